import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import { chmodSync, closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import path from "node:path";

/**
 * The key store: the Ed25519 keys that sign audit seals (and grants) and the HMAC keys that
 * seal each audit entry, kept in one JSON file outside the database (`<dir>/keys.json`, mode
 * 0600 in a 0700 folder). Keys are versioned: the last of each list signs or MACs, every one
 * still verifies, so rotation never invalidates old evidence. Nothing else reads key files.
 */

export interface MacKey {
  /** Short version id written beside each MAC ("m1", "m2", …). */
  id: string;
  key: Buffer;
  createdAt: string;
}

export interface SigningKey {
  /** RFC 7638 JWK thumbprint (base64url SHA-256): the key id and the fingerprint people compare. */
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: PublicJwk;
  createdAt: string;
}

export interface PublicJwk {
  kty: "OKP";
  crv: "Ed25519";
  x: string;
  kid: string;
  alg: "Ed25519";
  use: "sig";
}

/** AES-256-GCM keys that encrypt secrets the database must hold (webhook and upstream credentials). */
export interface EncryptionKey {
  /** "e1", "e2", … written beside each ciphertext. */
  id: string;
  key: Buffer;
  createdAt: string;
}

export interface KeyStore {
  readonly dir: string;
  readonly mac: readonly MacKey[];
  readonly encryption: readonly EncryptionKey[];
  currentEncryption(): EncryptionKey;
  encryptionKey(id: string): EncryptionKey | undefined;
  readonly signing: readonly SigningKey[];
  currentMac(): MacKey;
  currentSigning(): SigningKey;
  macKey(id: string): MacKey | undefined;
  signingKey(kid: string): SigningKey | undefined;
}

interface KeyFile {
  format: "mandate-keys";
  version: 1;
  mac: { id: string; key: string; created_at: string }[];
  signing: { kid: string; private_pkcs8: string; created_at: string }[];
  /** Added after the first stores were made: filled in when missing. */
  encryption?: { id: string; key: string; created_at: string }[];
}

const FILE_NAME = "keys.json";

export function keyFilePath(dir: string): string {
  return path.join(dir, FILE_NAME);
}

/** RFC 7638 thumbprint of an Ed25519 public key. */
export function jwkThumbprint(jwk: { crv: string; kty: string; x: string }): string {
  return createHash("sha256").update(`{"crv":"${jwk.crv}","kty":"${jwk.kty}","x":"${jwk.x}"}`).digest("base64url");
}

function signingFromPkcs8(pkcs8: string, createdAt: string): SigningKey {
  const privateKey = createPrivateKey({ key: Buffer.from(pkcs8, "base64"), format: "der", type: "pkcs8" });
  const publicKey = createPublicKey(privateKey);
  const { x, crv, kty } = publicKey.export({ format: "jwk" }) as { x: string; crv: string; kty: string };
  if (kty !== "OKP" || crv !== "Ed25519" || !x) throw new Error("the key store holds a signing key that is not Ed25519");
  const kid = jwkThumbprint({ crv, kty, x });
  return { kid, privateKey, publicKey, publicJwk: { kty: "OKP", crv: "Ed25519", x, kid, alg: "Ed25519", use: "sig" }, createdAt };
}

function newMac(index: number, now: Date): KeyFile["mac"][number] {
  return { id: `m${index}`, key: randomBytes(32).toString("base64url"), created_at: now.toISOString() };
}

function newEncryption(index: number, now: Date): NonNullable<KeyFile["encryption"]>[number] {
  return { id: `e${index}`, key: randomBytes(32).toString("base64url"), created_at: now.toISOString() };
}

function newSigning(now: Date): KeyFile["signing"][number] {
  const { privateKey } = generateKeyPairSync("ed25519");
  const pkcs8 = privateKey.export({ format: "der", type: "pkcs8" }).toString("base64");
  return { kid: signingFromPkcs8(pkcs8, "").kid, private_pkcs8: pkcs8, created_at: now.toISOString() };
}

function parseKeyFile(text: string, file: string): KeyFile {
  let raw: KeyFile;
  try {
    raw = JSON.parse(text) as KeyFile;
  } catch {
    throw new Error(`${file} is not valid JSON: restore it from your backup of the key store`);
  }
  if (raw?.format !== "mandate-keys" || raw.version !== 1 || !Array.isArray(raw.mac) || !Array.isArray(raw.signing) || !raw.mac.length || !raw.signing.length) {
    throw new Error(`${file} is not a Mandate key store (format mandate-keys, version 1, with at least one MAC and one signing key)`);
  }
  return raw;
}

function toStore(dir: string, raw: KeyFile): KeyStore {
  const mac = raw.mac.map((m) => {
    const key = Buffer.from(m.key, "base64url");
    if (!/^m\d+$/.test(m.id) || key.length < 32) throw new Error(`the key store's MAC key ${m.id} is malformed`);
    return { id: m.id, key, createdAt: m.created_at };
  });
  const signing = raw.signing.map((s) => signingFromPkcs8(s.private_pkcs8, s.created_at));
  const encryption = (raw.encryption ?? []).map((e) => {
    const key = Buffer.from(e.key, "base64url");
    if (!/^e\d+$/.test(e.id) || key.length !== 32) throw new Error(`the key store's encryption key ${e.id} is malformed`);
    return { id: e.id, key, createdAt: e.created_at };
  });
  const encryptionById = new Map(encryption.map((e) => [e.id, e]));
  const macById = new Map(mac.map((m) => [m.id, m]));
  const signingByKid = new Map(signing.map((s) => [s.kid, s]));
  return {
    dir,
    mac,
    signing,
    encryption,
    currentEncryption: () => encryption[encryption.length - 1]!,
    encryptionKey: (id) => encryptionById.get(id),
    currentMac: () => mac[mac.length - 1]!,
    currentSigning: () => signing[signing.length - 1]!,
    macKey: (id) => macById.get(id),
    signingKey: (kid) => signingByKid.get(kid),
  };
}

function writeTemp(dir: string, raw: KeyFile): string {
  // Only the key folder is private: parents made on the way keep the usual mode (a 0700 data folder
  // would shut out the embedded PostgreSQL, which runs as another user when Mandate runs as root).
  mkdirSync(path.dirname(dir), { recursive: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  tryChmod(dir, 0o700);
  const temp = `${keyFilePath(dir)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const fd = openSync(temp, "wx", 0o600);
  try {
    writeSync(fd, JSON.stringify(raw, null, 2) + "\n");
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return temp;
}

/** Writes the file whole and renames it into place, so a reader never sees half a key store. */
function writeKeyFile(dir: string, raw: KeyFile): void {
  renameSync(writeTemp(dir, raw), keyFilePath(dir));
}

// A read-only mount (a secret volume) cannot be chmodded; its permissions are the operator's.
function tryChmod(target: string, mode: number): void {
  try {
    chmodSync(target, mode);
  } catch (error) {
    if (!["EROFS", "EPERM", "EACCES"].includes((error as NodeJS.ErrnoException).code ?? "")) throw error;
  }
}

/** Read-modify-write under an exclusive lock file, so two rotations never lose a key. */
function withLock<T>(dir: string, fn: () => T): T {
  const lock = `${keyFilePath(dir)}.lock`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      closeSync(openSync(lock, "wx", 0o600));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      // A lock older than a minute was left by a killed process.
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 60_000) unlinkSync(lock);
      else if (Date.now() > deadline) throw new Error(`the key store is locked (${lock}): another rotation is running`);
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25);
    }
  }
  try {
    return fn();
  } finally {
    unlinkSync(lock);
  }
}

/**
 * Reads the key store in `dir`, creating it with one key of each kind when it does not exist.
 * Two processes starting together agree: the loser of the create race reads the winner's file.
 */
export function openKeyStore(dir: string, options: { create?: boolean } = {}): KeyStore {
  const file = keyFilePath(dir);
  if (!existsSync(file)) {
    if (options.create === false) throw new Error(`no key store at ${file}`);
    const now = new Date();
    const raw: KeyFile = { format: "mandate-keys", version: 1, mac: [newMac(1, now)], signing: [newSigning(now)], encryption: [newEncryption(1, now)] };
    // Written whole under another name, then linked into place: link fails if the file exists,
    // so of two processes creating the store at once one wins and neither reads half a file.
    const temp = writeTemp(dir, raw);
    try {
      linkSync(temp, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      unlinkSync(temp);
    }
  }
  if ((statSync(file).mode & 0o077) !== 0) tryChmod(file, 0o600);
  const raw = parseKeyFile(readFileSync(file, "utf8"), file);
  if (raw.encryption?.length) return toStore(dir, raw);
  // A store from before encryption keys: add one, once, under the lock.
  return withLock(dir, () => {
    const current = parseKeyFile(readFileSync(file, "utf8"), file);
    if (!current.encryption?.length) {
      current.encryption = [newEncryption(1, new Date())];
      writeKeyFile(dir, current);
    }
    return toStore(dir, current);
  });
}

export interface RotationResult {
  mac?: { id: string };
  encryption?: { id: string };
  signing?: { kid: string };
}

/** Adds a new current key of each kind asked for; older keys stay and keep verifying. */
export function rotateKeyStore(dir: string, which: { mac: boolean; signing: boolean; encryption?: boolean }, now = new Date()): RotationResult {
  return withLock(dir, () => rotateLocked(dir, which, now));
}

function rotateLocked(dir: string, which: { mac: boolean; signing: boolean; encryption?: boolean }, now: Date): RotationResult {
  const file = keyFilePath(dir);
  const raw = parseKeyFile(readFileSync(file, "utf8"), file);
  const result: RotationResult = {};
  if (which.mac) {
    const next = newMac(raw.mac.length + 1, now);
    raw.mac.push(next);
    result.mac = { id: next.id };
  }
  if (which.encryption) {
    raw.encryption ??= [];
    const next = newEncryption(raw.encryption.length + 1, now);
    raw.encryption.push(next);
    result.encryption = { id: next.id };
  }
  if (which.signing) {
    const next = newSigning(now);
    raw.signing.push(next);
    result.signing = { kid: next.kid };
  }
  writeKeyFile(dir, raw);
  return result;
}

/** The public half of every signing key, as a JWK Set (RFC 7517), newest last. */
export function publicJwks(store: KeyStore): { keys: PublicJwk[] } {
  return { keys: store.signing.map((s) => s.publicJwk) };
}
