#!/usr/bin/env node
// The Mandate CLI and server entry. TypeScript sources run through tsx's loader.
import { register } from "tsx/esm/api";

register();
await import("../lib/cli/main.ts");
