-- Keyed audit entries and signed seals (docs/decisions/0005-audit-integrity.md). Entries and
-- seals written before keep NULL here and are accepted only ahead of the first signed seal.
ALTER TABLE "audit_entries" ADD COLUMN "nonce" TEXT;
ALTER TABLE "audit_entries" ADD COLUMN "mac" TEXT;

ALTER TABLE "audit_seals" ADD COLUMN "key_id" TEXT;
ALTER TABLE "audit_seals" ADD COLUMN "signature" TEXT;
