-- The registry of upstream MCP servers (lib/tool-servers). headers_sealed holds the upstream's
-- credentials sealed with lib/keys/secret-box.ts, bound to `tool-server:<id>:headers`; the
-- application role gets its usual SELECT/INSERT/UPDATE/DELETE from grantAppRole after migrating.
CREATE TABLE "tool_servers" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "headers_sealed" TEXT,
    "header_names" TEXT[],
    "tools" JSONB NOT NULL,
    "status" TEXT NOT NULL,
    "last_error" TEXT,
    "last_checked_at" TIMESTAMPTZ(3) NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "tool_servers_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "tool_servers_status_check" CHECK ("status" IN ('ok', 'unreachable', 'error'))
);
CREATE UNIQUE INDEX "tool_servers_name_key" ON "tool_servers"("name");
