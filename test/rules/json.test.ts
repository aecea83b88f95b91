import { parseJsonText } from '../../src/rules/json';

function errorOf(text: string) {
  const result = parseJsonText(text);
  if (result.ok) throw new Error('expected a syntax error');
  return result.error;
}

describe('parsing hand-written JSON', () => {
  it('parses valid JSON like JSON.parse, including a leading byte-order mark', () => {
    const text = '{ "a": [1, 2.5e3, -0.5, true, false, null, "x\\n\\u00e6"], "b": {} }';
    expect(parseJsonText(text)).toEqual({ ok: true, value: JSON.parse(text), duplicateKeys: [], numbersOutOfRange: [] });
    expect(parseJsonText(`\ufeff${text}`)).toMatchObject({ ok: true, value: JSON.parse(text) });
  });

  it('names line and column of a missing comma between properties', () => {
    expect(errorOf('{\n  "a": 1\n  "b": 2\n}')).toEqual({ line: 3, column: 3, message: `forventede ',' eller '}' efter værdien af "a"; mangler der et komma?` });
  });

  it('points at a trailing comma', () => {
    expect(errorOf('{\n  "a": [1, 2,],\n  "b": 2\n}')).toEqual({ line: 2, column: 13, message: "overflødigt komma før ']'; JSON tillader ikke komma efter sidste element – fjern kommaet" });
    expect(errorOf('{ "a": 1, }')).toMatchObject({ line: 1, column: 9, message: expect.stringContaining("overflødigt komma før '}'") });
  });

  it('explains comments, single quotes, unquoted words, decimal commas and Python literals', () => {
    expect(errorOf('{ // note\n "a": 1 }').message).toMatch(/^JSON tillader ikke kommentarer/);
    expect(errorOf("{ 'a': 1 }").message).toBe('egenskabsnavne skal stå i dobbelte anførselstegn ("…"), ikke enkelte');
    expect(errorOf('{ "a": yes }').message).toBe(`uventet 'yes'; tekst skal stå i dobbelte anførselstegn ("…")`);
    expect(errorOf('{ "a": 4,5 }').message).toBe('forventede et egenskabsnavn i "…"; brug punktum som decimaltegn i tal (4.5, ikke 4,5)');
    expect(errorOf('{ "a": True }').message).toBe("uventet 'True'; skriv true med små bogstaver");
    expect(errorOf('{ "a": 01 }').message).toMatch(/^ugyldigt tal/);
  });

  it('says which object is left open at the end of the file', () => {
    expect(errorOf('{\n  "a": {\n    "b": 1\n')).toEqual({ line: 4, column: 1, message: "filen slutter, før objektet fra linje 2 er lukket; mangler der en '}'?" });
    expect(errorOf('').message).toMatch(/^filen er tom/);
  });

  it('finds an unterminated string', () => {
    expect(errorOf('{ "a": "abc\n}')).toMatchObject({ line: 1, column: 12, message: expect.stringContaining('ikke afsluttet med " på samme linje') });
  });

  it('reports duplicate keys with their JSON Pointer, which JSON.parse would silently drop', () => {
    const result = parseJsonText('{\n  "levels": {\n    "x": 1,\n    "x": 2\n  },\n  "a/b": 1, "a/b": 2\n}');
    expect(result).toEqual({
      ok: true,
      value: { levels: { x: 2 }, 'a/b': 2 },
      duplicateKeys: [
        { pointer: '/levels/x', key: 'x', line: 4, column: 5 },
        { pointer: '/a~1b', key: 'a/b', line: 6, column: 13 },
      ],
      numbersOutOfRange: [],
    });
  });

  it('names each number beyond double range (read as Infinity by JSON.parse) by pointer and position', () => {
    const result = parseJsonText('{\n  "a": [1, 1e400],\n  "b": -2E+999, "c": 1e-400\n}');
    expect(result).toMatchObject({
      ok: true,
      numbersOutOfRange: [
        { pointer: '/a/1', literal: '1e400', line: 2, column: 12 },
        { pointer: '/b', literal: '-2E+999', line: 3, column: 8 },
      ],
    });
  });
});
