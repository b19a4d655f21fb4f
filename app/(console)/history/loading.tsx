import { TableSkeleton } from "@/components/data-table/table-skeleton";
import { PageHeader } from "@/components/ui/page-header";

export default function LoadingHistory() {
  return (
    <>
      <PageHeader title="Action history" />
      <TableSkeleton label="decisions" columns={9} />
    </>
  );
}
