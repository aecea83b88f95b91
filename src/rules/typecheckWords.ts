/** How type-check messages quote a value and list the allowed ones. */

export const list = (items: readonly string[]) => items.join(', ');
export const show = (value: unknown) => JSON.stringify(value) ?? String(value);
