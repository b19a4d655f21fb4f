import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";

/**
 * one JSON Schema validator for every SDK Server and Client Mandate makes (the gateway, its upstream client, the demo systems). Each is made per
 * request (stateless), and the SDK otherwise builds a fresh Ajv instance (formats and all) in each
 * constructor: measured by `npm run bench -- --only gateway --profile`, Ajv's construction was
 * about an eighth of the server's CPU under gateway load. Ajv caches compiled schemas by content,
 * so sharing one is safe; the gateway's Server never validates with it, its Client only a tool's
 * output schema.
 */
export const sharedSchemaValidator = new AjvJsonSchemaValidator();
