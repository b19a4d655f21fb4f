import { TableSkeleton } from "@/components/data-table/table-skeleton";
import { PageHeader } from "@/components/ui/page-header";

export default function LoadingReviews() {
  return (
    <>
      <PageHeader title="Edge-case reviews" />
      <TableSkeleton label="review cases" columns={8} />
    </>
  );
}
