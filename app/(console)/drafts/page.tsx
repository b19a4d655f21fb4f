import { redirect } from "next/navigation";

// Open drafts are listed with the versions they would follow ("Drafts in progress").
export default function DraftsPage() {
  redirect("/policy-versions");
}
