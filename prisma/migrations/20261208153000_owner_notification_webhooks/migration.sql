-- Escalations reach their owner (issue #23, point 11). An owner's outbound webhook is operational
-- config kept beside the reviewed policy, keyed by the policy's owner key; secret_sealed is sealed
-- with lib/keys/secret-box.ts, bound to `owner-webhook:<id>`.
CREATE TABLE "owner_webhooks" (
    "id" UUID NOT NULL,
    "owner_key" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "secret_sealed" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "updated_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "owner_webhooks_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "owner_webhooks_format_check" CHECK ("format" IN ('generic', 'slack'))
);
CREATE UNIQUE INDEX "owner_webhooks_owner_key_key" ON "owner_webhooks"("owner_key");

-- The one outbox now carries owners' notifications too: an event goes to an agent or to an owner.
ALTER TABLE "webhook_events" ALTER COLUMN "agent_id" DROP NOT NULL;
ALTER TABLE "webhook_events" ADD COLUMN "owner_key" TEXT;
ALTER TABLE "webhook_events" ADD COLUMN "notification_id" UUID;
ALTER TABLE "webhook_events" ADD CONSTRAINT "webhook_events_recipient_check" CHECK (("agent_id" IS NULL) <> ("owner_key" IS NULL));
CREATE INDEX "webhook_events_notification_id_idx" ON "webhook_events"("notification_id");
ALTER TABLE "webhook_events" ADD CONSTRAINT "webhook_events_notification_id_fkey" FOREIGN KEY ("notification_id") REFERENCES "notifications"("id") ON DELETE SET NULL ON UPDATE CASCADE;
