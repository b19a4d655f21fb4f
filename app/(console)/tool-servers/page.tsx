import type { Metadata } from "next";
import { ToolServerList } from "@/components/console/tool-server-list";
import { AddToolServerForm } from "@/components/console/tool-server-forms";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";
import { getToolServersOverview } from "@/lib/tool-servers/queries";

export const metadata: Metadata = { title: "Tool servers" };

export default async function ToolServersPage() {
  await requirePermission("tools:manage");
  const overview = await getToolServersOverview(getPrisma());
  return (
    <>
      <PageHeader
        title="Tool servers"
        description="The MCP servers agents reach through Mandate's gateway. Agents hold no credentials for them: the headers entered here are stored sealed and never shown again. A tool is visible to agents only once the policy maps it to an action."
      />
      <Card title="Add a tool server" className="mb-6">
        <AddToolServerForm />
      </Card>
      <ToolServerList servers={overview.servers} policyVersion={overview.policyVersion} />
    </>
  );
}
