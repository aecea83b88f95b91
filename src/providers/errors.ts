/**
 * The provider register's refusals, as coded domain errors (problem type https://specialfunktion.dk/problems/<code>).
 *
 * provider-mismatch says which field differs and that an admin can move the provider, never what is
 * registered to someone who may not see the provider: an inspector of another tilsyn learns that the
 * tilbudId is registered with another CVR or municipality, not where, nor the provider's name.
 */
import type { InvalidParamError } from '../approvals/errors';
import { DomainError, invalid } from '../approvals/errors';

export type ProviderField = 'cvr' | 'kommunekode';

const FIELD_TEXT: Record<ProviderField, string> = {
  cvr: 'et andet CVR-nummer',
  kommunekode: 'en anden kommune',
};

/**
 * 409 provider-mismatch: evidence for a registered tilbudId names another CVR or municipality. `shown` is
 * what is registered, given only to someone who may see the provider.
 */
export function providerMismatch(tilbudId: string, fields: ProviderField[], pointerBase: string, shown?: { cvr: string; kommunekode: string }): DomainError {
  const errors: InvalidParamError[] = fields.map((field) => ({
    pointer: `${pointerBase}/${field}`,
    message: `tilbuddet er registreret med ${FIELD_TEXT[field]}${shown ? ` (${shown[field]})` : ''}`,
    code: 'provider-mismatch',
  }));
  return new DomainError(
    'provider-mismatch',
    `Tilbud ${tilbudId} er registreret med ${fields.map((f) => FIELD_TEXT[f]).join(' og ')} end dokumentationen angiver. ` +
      `Er tilbuddet flyttet til en anden kommune, kan en administrator flytte det i tilbudsregistret (PATCH /v1/providers/${tilbudId}); ` +
      'et nyt CVR-nummer kræver et nyt tilbud på Tilbudsportalen',
    { errors, tilbudId, fields, ...(shown ? { registered: shown } : {}) },
  );
}

/** 422 unknown-kommunekode: a municipality the geography data do not know. */
export function unknownKommunekode(pointer: string): DomainError {
  return invalid('Kommunekoden findes ikke', [{ pointer, message: 'er ikke en kendt kommunekode', code: 'unknown-kommunekode' }]);
}
