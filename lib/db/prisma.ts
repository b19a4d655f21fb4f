import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { getEnv } from "@/lib/env";

export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

// One client per process: the custom server and the Next.js bundle load this module separately,
// so the instance lives on globalThis and both share one pool.
const globalForPrisma = globalThis as unknown as { __mandatePrisma?: { url: string; client: PrismaClient } };

export function createPrismaClient(url: string, max = getEnv().MANDATE_DB_POOL_SIZE): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max }) });
}

export function getPrisma(): PrismaClient {
  const url = getEnv().DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start Mandate with `npm start` or set DATABASE_URL");
  const current = globalForPrisma.__mandatePrisma;
  if (current && current.url === url) return current.client;
  const client = createPrismaClient(url);
  globalForPrisma.__mandatePrisma = { url, client };
  return client;
}

export async function disconnectPrisma(): Promise<void> {
  const current = globalForPrisma.__mandatePrisma;
  globalForPrisma.__mandatePrisma = undefined;
  await current?.client.$disconnect();
}
