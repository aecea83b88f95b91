import { existsSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { defaultDecisionTexts, loadDecisionTexts, type DecisionTexts } from '../decisions/texts';

/** The service's settings, read from the environment and validated once, at start. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  rulesDir: string;
  mongodbUri?: string;
  mongodbDb: string;
  auth: {
    tokensFile?: string;
    jwt?: { issuer: string; audience: string; jwksUrl?: string; publicKeyFile?: string; roleClaim: string; tilsynClaim: string; maxLifetimeMinutes: number };
  };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Minutes between scheduled re-check runs; 0 turns the scheduler off. */
  recheckIntervalMinutes: number;
  shutdownTimeoutMs: number;
  /** Minutes between full checks of the audit chain and the approvals against it; 0 checks only at start. */
  auditVerifyIntervalMinutes: number;
  /** Ed25519 private key (PEM) that signs audit heads; without it one is generated in dataDir. */
  auditSigningKeyFile?: string;
  /** Legal basis, duties and klagevejledning of the written decisions: DECISION_TEXTS_FILE, else the illustrative default. */
  decisionTexts: DecisionTexts;
  /** Requests per client and minute on the public routes (PUBLIC_RATE_LIMIT_PER_MINUTE); 0 turns the limit off. */
  publicRateLimitPerMinute: number;
  /** Express's `trust proxy` (TRUST_PROXY): false, true, a number of proxies, or addresses/subnets of trusted proxies. */
  trustProxy: boolean | number | string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const problems: string[] = [];
  const str = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name}=${JSON.stringify(raw)}: must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return Number(raw);
  };
  const existingFile = (name: string): string | undefined => {
    const raw = str(name);
    if (raw === undefined) return undefined;
    const resolved = path.resolve(cwd, raw);
    if (!existsSync(resolved) || !statSync(resolved).isFile()) problems.push(`${name}=${JSON.stringify(raw)}: no such file`);
    return resolved;
  };

  const port = int('PORT', 8080, 0, 65535);
  const shutdownTimeoutMs = int('SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000);
  const recheckIntervalMinutes = int('RECHECK_INTERVAL_MINUTES', 0, 0, 7 * 24 * 60);
  const auditVerifyIntervalMinutes = int('AUDIT_VERIFY_INTERVAL_MINUTES', 15, 0, 7 * 24 * 60);
  const auditSigningKeyFile = existingFile('AUDIT_SIGNING_KEY_FILE');
  const decisionTextsFile = existingFile('DECISION_TEXTS_FILE');
  let decisionTexts = defaultDecisionTexts();
  if (decisionTextsFile !== undefined && problems.every((p) => !p.startsWith('DECISION_TEXTS_FILE='))) {
    try {
      decisionTexts = loadDecisionTexts(decisionTextsFile);
    } catch (error) {
      problems.push(`DECISION_TEXTS_FILE: ${(error as Error).message}`);
    }
  }
  const dataDir = path.resolve(cwd, str('DATA_DIR') ?? 'data');
  const rulesDir = path.resolve(cwd, str('RULES_DIR') ?? 'rules');
  if (!existsSync(rulesDir) || !statSync(rulesDir).isDirectory()) problems.push(`RULES_DIR=${JSON.stringify(str('RULES_DIR') ?? 'rules')}: no such directory`);

  const mongodbUri = str('MONGODB_URI');
  if (mongodbUri !== undefined && !/^mongodb(\+srv)?:\/\/\S+$/.test(mongodbUri)) {
    problems.push('MONGODB_URI: must start with mongodb:// or mongodb+srv://');
  }
  const mongodbDb = str('MONGODB_DB') ?? 'specialfunktion';
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(mongodbDb)) problems.push(`MONGODB_DB=${JSON.stringify(mongodbDb)}: letters, digits, _ and - only, at most 63`);

  const logLevel = (str('LOG_LEVEL') ?? 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL=${JSON.stringify(logLevel)}: must be one of ${LOG_LEVELS.join(', ')}`);

  const publicRateLimitPerMinute = int('PUBLIC_RATE_LIMIT_PER_MINUTE', 120, 0, 1_000_000);
  const trustProxy = parseTrustProxy(str('TRUST_PROXY'), problems);
  const maxLifetimeMinutes = int('AUTH_JWT_MAX_LIFETIME_MINUTES', 720, 1, 7 * 24 * 60);

  const tokensFile = existingFile('AUTH_TOKENS_FILE');
  const issuer = str('AUTH_JWT_ISSUER');
  const audience = str('AUTH_JWT_AUDIENCE');
  const jwksUrl = str('AUTH_JWKS_URL');
  const publicKeyFile = existingFile('AUTH_JWT_PUBLIC_KEY_FILE');
  let jwt: Config['auth']['jwt'];
  if (issuer || audience || jwksUrl || publicKeyFile) {
    if (!issuer) problems.push('AUTH_JWT_ISSUER: required when JWT authentication is configured');
    if (!audience) problems.push('AUTH_JWT_AUDIENCE: required when JWT authentication is configured');
    if (!jwksUrl && !publicKeyFile) problems.push('AUTH_JWKS_URL or AUTH_JWT_PUBLIC_KEY_FILE: one is required when JWT authentication is configured');
    if (jwksUrl && !/^https?:\/\/\S+$/.test(jwksUrl)) problems.push('AUTH_JWKS_URL: must be an http(s) URL');
    jwt = {
      issuer: issuer ?? '',
      audience: audience ?? '',
      jwksUrl,
      publicKeyFile,
      roleClaim: str('AUTH_JWT_ROLE_CLAIM') ?? 'role',
      tilsynClaim: str('AUTH_JWT_TILSYN_CLAIM') ?? 'tilsyn',
      maxLifetimeMinutes,
    };
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port,
    host: str('HOST') ?? '0.0.0.0',
    dataDir,
    rulesDir,
    mongodbUri,
    mongodbDb,
    auth: { tokensFile, jwt },
    logLevel,
    recheckIntervalMinutes,
    shutdownTimeoutMs,
    auditVerifyIntervalMinutes,
    ...(auditSigningKeyFile ? { auditSigningKeyFile } : {}),
    decisionTexts,
    publicRateLimitPerMinute,
    trustProxy,
  };
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** TRUST_PROXY as express takes it: true/false, a number of proxies in front, or trusted addresses, subnets and names. */
function parseTrustProxy(raw: string | undefined, problems: string[]): boolean | number | string {
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) {
    if (Number(raw) > 10) problems.push(`TRUST_PROXY=${JSON.stringify(raw)}: at most 10 proxies`);
    return Number(raw);
  }
  const parts = raw.split(',').map((p) => p.trim());
  const bad = parts.filter((p) => {
    if (PROXY_NAMES.has(p)) return false;
    const [address, mask, ...rest] = p.split('/');
    const version = isIP(address ?? '');
    if (version === 0 || rest.length > 0) return true;
    return mask !== undefined && !(/^\d+$/.test(mask) && Number(mask) <= (version === 4 ? 32 : 128));
  });
  if (bad.length > 0) {
    problems.push(`TRUST_PROXY=${JSON.stringify(raw)}: use true, false, a number of proxies, or addresses/subnets (e.g. 10.0.0.0/8) and loopback, linklocal, uniquelocal, separated by commas`);
  }
  return raw;
}
