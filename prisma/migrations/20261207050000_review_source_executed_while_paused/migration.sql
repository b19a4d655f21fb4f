-- An agent reported `executed` while a stop switch covered the decision: the outcome is recorded
-- (the action happened) and this review case asks someone to look at why it went ahead.
-- Added at the end, as schema.prisma lists it; PostgreSQL allows ADD VALUE inside the migration's
-- transaction as long as nothing in it uses the value.
ALTER TYPE "ReviewSource" ADD VALUE 'executed_while_paused';
