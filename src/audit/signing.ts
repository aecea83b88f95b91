/**
 * Signed heads of the audit chain. A head (the newest entry's seq, hash and time) signed with the
 * service's Ed25519 key can be kept by anyone (Tilbudsportalen, a register poller, log shipping); a
 * later verify against it finds entries deleted from the end, a chain cut and replaced, or one rewritten
 * with every later hash recomputed, none of which the chain alone can show.
 *
 * The key is given by AUDIT_SIGNING_KEY_FILE (PEM, PKCS#8) or generated once in DATA_DIR, readable by
 * its owner only, like the generated tokens. Several instances behind one load balancer should share
 * one key file.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AuditHead } from '../store/types';

export const GENERATED_KEY_FILE = 'audit-signing-key.pem';

export interface SignedHead extends AuditHead {
  /** base64url Ed25519 signature over signedText(head). */
  signature: string;
  /** Which key signed: the first 16 hex digits of sha256 over the public key (DER, SPKI). */
  keyId: string;
}

export interface AuditPublicKey {
  algorithm: 'Ed25519';
  keyId: string;
  publicKeyPem: string;
  /** How a head is turned into the signed bytes (UTF-8). */
  signedText: string;
}

/** The exact text signed for a head: versioned, one field a line, so anyone can rebuild it. */
export function signedText(head: AuditHead): string {
  return `specialfunktion-audit-head/v1\n${head.seq}\n${head.hash}\n${head.at}`;
}

export class AuditSigner {
  readonly keyId: string;
  private readonly publicKey: KeyObject;

  constructor(private readonly privateKey: KeyObject) {
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`the audit signing key must be Ed25519, not ${privateKey.asymmetricKeyType ?? 'unknown'}`);
    this.publicKey = createPublicKey(privateKey);
    this.keyId = createHash('sha256').update(this.publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
  }

  sign(head: AuditHead): SignedHead {
    const signature = sign(null, Buffer.from(signedText(head), 'utf8'), this.privateKey).toString('base64url');
    return { seq: head.seq, hash: head.hash, at: head.at, signature, keyId: this.keyId };
  }

  verify(head: SignedHead): boolean {
    return verifySignedHead(head, this.publicKey);
  }

  describe(): AuditPublicKey {
    return {
      algorithm: 'Ed25519',
      keyId: this.keyId,
      publicKeyPem: this.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      signedText: 'specialfunktion-audit-head/v1\\n<seq>\\n<hash>\\n<at>',
    };
  }
}

export function verifySignedHead(head: SignedHead, publicKey: KeyObject | string): boolean {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  try {
    return verify(null, Buffer.from(signedText(head), 'utf8'), key, Buffer.from(head.signature, 'base64url'));
  } catch {
    return false;
  }
}

/** The key from `keyFile`, else the one generated in dataDir (made on first use, mode 0600). */
export function loadAuditSigner(options: { keyFile?: string; dataDir: string }): { signer: AuditSigner; generated: boolean; file: string } {
  if (options.keyFile) return { signer: new AuditSigner(createPrivateKey(readFileSync(options.keyFile, 'utf8'))), generated: false, file: options.keyFile };
  const file = path.join(options.dataDir, GENERATED_KEY_FILE);
  if (existsSync(file)) return { signer: new AuditSigner(createPrivateKey(readFileSync(file, 'utf8'))), generated: false, file };
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ed25519');
  // 'wx': never overwrite a key another process wrote a moment ago.
  try {
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { signer: new AuditSigner(createPrivateKey(readFileSync(file, 'utf8'))), generated: false, file };
  }
  chmodSync(file, 0o600);
  return { signer: new AuditSigner(privateKey), generated: true, file };
}
