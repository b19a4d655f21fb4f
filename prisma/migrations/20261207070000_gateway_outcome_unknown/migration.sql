-- The MCP gateway forwards an allowed tool call and may not learn whether it happened (the
-- upstream timed out): the decision is then `outcome_unknown` and a review case of that source asks
-- someone to find out. Added at the end, as schema.prisma lists them; nothing in this transaction
-- uses the new values.
ALTER TYPE "DecisionStatus" ADD VALUE 'outcome_unknown';
ALTER TYPE "ReviewSource" ADD VALUE 'outcome_unknown';
