import { TableSkeleton } from "@/components/data-table/table-skeleton";
import { PageHeader } from "@/components/ui/page-header";

export default function LoadingApprovers() {
  return (
    <>
      <PageHeader title="Rubber-stamp watch" />
      <TableSkeleton label="approvers" columns={8} rows={6} />
    </>
  );
}
