import { mkdtempSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkEntryMac, entryMac } from "@/lib/audit/entry-format";
import { sealHead, signSealHead, verifySealHead } from "@/lib/audit/signed-head";
import { jwkThumbprint, openKeyStore, publicJwks, rotateKeyStore } from "./key-store";

const fresh = () => path.join(mkdtempSync(path.join(os.tmpdir(), "mandate-keys-")), "keys");

describe("the key store", () => {
  it("computes RFC 7638 thumbprints (RFC 8037's Ed25519 example)", () => {
    expect(jwkThumbprint({ kty: "OKP", crv: "Ed25519", x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo" })).toBe("kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
  });

  it("is created once, private to its owner, and read back the same", () => {
    const dir = fresh();
    const first = openKeyStore(dir);
    expect(statSync(path.join(dir, "keys.json")).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const again = openKeyStore(dir);
    expect(again.currentSigning().kid).toBe(first.currentSigning().kid);
    expect(again.currentMac().key.equals(first.currentMac().key)).toBe(true);
    expect(publicJwks(first).keys).toEqual([{ kty: "OKP", crv: "Ed25519", x: expect.any(String), kid: first.currentSigning().kid, alg: "Ed25519", use: "sig" }]);
    expect(JSON.stringify(publicJwks(first))).not.toContain(readFileSync(path.join(dir, "keys.json"), "utf8").match(/"private_pkcs8": "([^"]+)"/)![1]);
  });

  it("makes only the key folder private, not the folders above it", () => {
    // Regression: a recursive mkdir with mode 0700 made the whole data folder 0700, which shut the
    // embedded PostgreSQL (another OS user when Mandate runs as root) out of its cluster beside it.
    const root = mkdtempSync(path.join(os.tmpdir(), "mandate-keys-parent-"));
    openKeyStore(path.join(root, "data", "keys"));
    expect(statSync(path.join(root, "data")).mode & 0o777).not.toBe(0o700);
    expect(statSync(path.join(root, "data", "keys")).mode & 0o777).toBe(0o700);
  });

  it("rotates without invalidating what older keys made", () => {
    const dir = fresh();
    const before = openKeyStore(dir);
    const mac = entryMac(before.currentMac(), "a".repeat(64));
    const head = sealHead({ id: 1, fromTxid: 0n, toTxid: 5n, entryCount: 2, entriesDigest: "d".repeat(64), prevHash: "0".repeat(64), hash: "h".repeat(64), sealedAt: new Date() }, before.currentSigning().kid);
    const signature = signSealHead(head, before.currentSigning().privateKey);

    const rotated = rotateKeyStore(dir, { mac: true, signing: true });
    const after = openKeyStore(dir);
    expect(after.currentMac().id).toBe("m2");
    expect(rotated.signing?.kid).toBe(after.currentSigning().kid);
    expect(after.currentSigning().kid).not.toBe(before.currentSigning().kid);
    expect(checkEntryMac((id) => after.macKey(id), "a".repeat(64), mac)).toBe("valid");
    expect(verifySealHead(head, signature, after.signingKey(before.currentSigning().kid)!.publicKey)).toBe(true);
    expect(entryMac(after.currentMac(), "a".repeat(64)).startsWith("m2.")).toBe(true);
  });

  it("tells a forged, unknown or missing MAC apart", () => {
    const store = openKeyStore(fresh());
    const lookup = (id: string) => store.macKey(id);
    const mac = entryMac(store.currentMac(), "b".repeat(64));
    expect(checkEntryMac(lookup, "c".repeat(64), mac)).toBe("invalid");
    expect(checkEntryMac(lookup, "b".repeat(64), `m9.${mac.split(".")[1]}`)).toBe("unknown_key");
    expect(checkEntryMac(lookup, "b".repeat(64), null)).toBe("missing");
    expect(checkEntryMac(lookup, "b".repeat(64), "garbage")).toBe("unknown_key");
  });
});
