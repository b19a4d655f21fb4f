import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage, JSONRPCRequest, MessageExtraInfo, RequestId } from "@modelcontextprotocol/sdk/types.js";

/**
 * An in-process transport that lets one long-lived SDK server answer the requests of many HTTP
 * exchanges at once. The SDK's Streamable HTTP transport is made for one exchange (stateless mode
 * needs a server and a transport per POST, and converts Node's request and response to web
 * objects and back); on the gateway's hot path that per-POST setup cost more than the decision.
 * Here the HTTP layer hands each JSON-RPC request over with `request()`, and the server's answer
 * comes back as the promise's value. Ids are replaced by the transport's own while the server
 * works, so two clients that both number their requests from 1 never meet.
 */
export class SharedServerTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;

  private next = 0;
  private readonly waiting = new Map<RequestId, { id: RequestId; resolve: (message: JSONRPCMessage) => void }>();

  async start(): Promise<void> {}

  async close(): Promise<void> {
    this.onclose?.();
  }

  /** The server's answer to one request (a result or a JSON-RPC error), with the request's own id. */
  request(message: JSONRPCRequest, extra: MessageExtraInfo): Promise<JSONRPCMessage> {
    const internal = ++this.next;
    return new Promise((resolve) => {
      this.waiting.set(internal, { id: message.id, resolve });
      this.onmessage?.({ ...message, id: internal }, extra);
    });
  }

  async send(message: JSONRPCMessage): Promise<void> {
    // Only answers are expected: this server makes no requests of its clients and sends no notifications.
    if (!("id" in message) || message.id === undefined || !("result" in message || "error" in message)) return;
    const pending = this.waiting.get(message.id);
    if (!pending) return;
    this.waiting.delete(message.id);
    pending.resolve({ ...message, id: pending.id });
  }
}
