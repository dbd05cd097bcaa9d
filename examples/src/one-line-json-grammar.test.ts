import { describe, expect, it } from 'vitest';
import { oneLineJsonGrammar } from './one-line-json-grammar.js';

// What node-llama-cpp 3.21.1 writes for {"name": {"const": "f"}, "arguments": {"a": number, "b": [string]}}.
const NODE_LLAMA_CPP_GRAMMAR = String.raw`root ::= "{" whitespace-b-1-4-rule "\"name\"" ":" [ ]? val0 comma-whitespace-b-1-4-rule "\"arguments\"" ":" [ ]? rule1 whitespace-b-0-4-rule "}" "\n\n\n\n" [\n]*
val0 ::= "\"f\""
comma-whitespace-b-1-4-rule ::= "," ([\n] ("    " | "\t") | [ ]?)
fractional-number-rule ::= "-"? ("0" | [1-9] [0-9]{0,15}) ("." [0-9]{1,16})? ([eE] [-+]? ("0" | [1-9] [0-9]{0,15}))?
comma-whitespace-b-2-4-rule ::= "," ([\n] (" "{8} | "\t\t") | [ ]?)
string-char-rule ::= [^"\\\x7F\x00-\x1F] | "\\" ["\\/bfnrt] | "\\u" [0-9a-fA-F]{4}
string-rule ::= "\"" string-char-rule* "\""
comma-whitespace-b-3-4-rule ::= "," ([\n] (" "{12} | "\t"{3}) | [ ]?)
whitespace-b-3-4-rule ::= [\n] (" "{12} | "\t"{3}) | [ ]?
whitespace-b-2-4-rule ::= [\n] (" "{8} | "\t\t") | [ ]?
rule0 ::= "[" whitespace-b-3-4-rule ( string-rule ( comma-whitespace-b-3-4-rule string-rule )* )? whitespace-b-2-4-rule "]"
whitespace-b-1-4-rule ::= [\n] ("    " | "\t") | [ ]?
rule1 ::= "{" whitespace-b-2-4-rule "\"a\"" ":" [ ]? fractional-number-rule comma-whitespace-b-2-4-rule "\"b\"" ":" [ ]? rule0 whitespace-b-1-4-rule "}"
whitespace-b-0-4-rule ::= [\n] | [ ]?`;

describe('oneLineJsonGrammar', () => {
  const grammar = oneLineJsonGrammar(NODE_LLAMA_CPP_GRAMMAR);
  const rule = (name: string) => grammar.split('\n').find((line) => line.startsWith(`${name} ::= `));

  it('puts one space after every key and every comma, and no other whitespace', () => {
    expect(rule('root')).toBe(
      String.raw`root ::= "{" whitespace-b-1-4-rule "\"name\"" ": " val0 comma-whitespace-b-1-4-rule "\"arguments\"" ": " rule1 whitespace-b-0-4-rule "}" "\n\n\n\n" [\n]*`,
    );
    for (const depth of [1, 2, 3]) expect(rule(`comma-whitespace-b-${depth}-4-rule`)).toMatch(/ ::= ", "$/);
    for (const depth of [0, 1, 2, 3]) expect(rule(`whitespace-b-${depth}-4-rule`)).toMatch(/ ::= ""$/);
    expect(grammar).not.toContain('[ ]?');
    expect(grammar).not.toMatch(/\[\\n\] \(/);
  });

  it('leaves strings, numbers and the end of the answer as they were', () => {
    for (const name of ['string-char-rule', 'string-rule', 'fractional-number-rule', 'val0'])
      expect(rule(name)).toBe(NODE_LLAMA_CPP_GRAMMAR.split('\n').find((l) => l.startsWith(`${name} ::= `)));
    expect(grammar.split('\n')).toHaveLength(NODE_LLAMA_CPP_GRAMMAR.split('\n').length);
  });
});
