import { randomBytes } from "node:crypto";
import argon2 from "argon2";

// argon2id with the library's defaults (OWASP-aligned: 64 MiB, 3 passes).
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

export function generatePassword(): string {
  return randomBytes(15).toString("base64url");
}
