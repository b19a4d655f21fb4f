import { TableSkeleton } from "@/components/data-table/table-skeleton";
import { PageHeader } from "@/components/ui/page-header";

export default function LoadingToolServers() {
  return (
    <>
      <PageHeader title="Tool servers" />
      <TableSkeleton label="tool servers" columns={4} rows={4} />
    </>
  );
}
