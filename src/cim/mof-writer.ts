// Canonical MOF writer: parseMof(writeMof(d)) equals d, positions aside. Order within each list is kept;
// pragmas come first, then qualifier types, classes and instances (the lists a MofDocument keeps apart).
import type { ClassDecl, MethodDecl, ParameterDecl, PropertyDecl, Qualifier } from './class.js';
import {
  isAliasRef,
  type InstanceDecl, type InstanceScalar, type InstanceValue, type MofDocument, type QualifierTypeDecl,
} from './mof-types.js';
import type { CimType } from './types.js';

const INDENT = '   ';
const WRAP_AT = 100;

export function writeMof(doc: MofDocument): string {
  const blocks: string[] = [];
  if (doc.pragmas.length > 0) {
    blocks.push(doc.pragmas.map((p) => `#pragma ${p.name}(${quote(p.value, '"')})`).join('\n'));
  }
  if (doc.qualifierTypes.length > 0) blocks.push(doc.qualifierTypes.map(qualifierType).join('\n'));
  for (const c of doc.classes) blocks.push(classDecl(c));
  for (const i of doc.instances) blocks.push(instanceDecl(i));
  return blocks.length > 0 ? `${blocks.join('\n\n')}\n` : '';
}

function qualifierType(q: QualifierTypeDecl): string {
  const array = q.isArray ? `[${q.arraySize ?? ''}]` : '';
  const dflt = q.defaultValue === null ? '' : ` = ${value(q.defaultValue, q.type)}`;
  const flavor = q.flavors.length > 0 ? `, Flavor(${q.flavors.join(', ')})` : '';
  return `Qualifier ${q.name} : ${q.type}${array}${dflt}, Scope(${q.scopes.join(', ')})${flavor};`;
}

function classDecl(c: ClassDecl): string {
  const head = `class ${c.name}${c.superclass !== undefined ? ` : ${c.superclass}` : ''} {`;
  const features = [...c.properties.map(property), ...c.methods.map(method)];
  return `${qualifierBlock(c.qualifiers, '')}${head}\n${features.join('\n\n')}${features.length > 0 ? '\n' : ''}};`;
}

function property(p: PropertyDecl): string {
  const array = p.isArray ? `[${p.arraySize ?? ''}]` : '';
  const dflt = p.defaultValue === undefined ? '' : ` = ${value(p.defaultValue, p.type)}`;
  return `${qualifierBlock(p.qualifiers, INDENT)}${INDENT}${typeName(p)} ${p.name}${array}${dflt};`;
}

function method(m: MethodDecl): string {
  const head = `${qualifierBlock(m.qualifiers, INDENT)}${INDENT}${m.returnType} ${m.name}(`;
  if (m.parameters.length === 0) return `${head});`;
  return `${head}\n${m.parameters.map(parameter).join(',\n')});`;
}

function parameter(p: ParameterDecl): string {
  const pad = INDENT.repeat(3);
  const list = p.qualifiers.length > 0 ? qualifierList(p.qualifiers, pad) : '';
  // a wrapped qualifier list gets the parameter on a line of its own
  const qs = list === '' ? '' : list.includes('\n') ? `${list}\n${pad}` : `${list} `;
  return `${pad}${qs}${typeName(p)} ${p.name}${p.isArray ? `[${p.arraySize ?? ''}]` : ''}`;
}

function instanceDecl(i: InstanceDecl): string {
  const alias = i.alias !== undefined ? ` as $${i.alias}` : '';
  const props = i.properties.map((p) => {
    const qs = p.qualifiers.length > 0 ? `${qualifierList(p.qualifiers, INDENT)} ` : '';
    return `${INDENT}${qs}${p.name} = ${value(p.value, undefined)};\n`;
  });
  return `${qualifierBlock(i.qualifiers, '')}instance of ${i.className}${alias} {\n${props.join('')}};`;
}

function typeName(x: { type: CimType; refClass?: string }): string {
  return x.type === 'reference' ? `${x.refClass ?? ''} REF` : x.type;
}

/** A qualifier list on its own line(s) above the element, or nothing. */
function qualifierBlock(qs: readonly Qualifier[], indent: string): string {
  return qs.length > 0 ? `${indent}${qualifierList(qs, indent)}\n` : '';
}

function qualifierList(qs: readonly Qualifier[], indent: string): string {
  const items = qs.map(qualifier);
  const oneLine = `[${items.join(', ')}]`;
  return oneLine.length + indent.length <= WRAP_AT ? oneLine : `[${items.join(`,\n${indent} `)}]`;
}

function qualifier(q: Qualifier): string {
  if (q.value === true) return q.name;
  if (Array.isArray(q.value)) return `${q.name}${value(q.value, undefined)}`;
  return `${q.name}(${value(q.value, undefined)})`;
}

function value(v: InstanceValue, type: CimType | undefined): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `{${v.map((e: InstanceScalar) => scalar(e, type)).join(', ')}}`;
  return scalar(v as InstanceScalar, type);
}

function scalar(v: InstanceScalar, type: CimType | undefined): string {
  if (isAliasRef(v)) return `$${v.alias}`;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return number(v, type === 'real32' || type === 'real64');
  return type === 'char16' && v.length === 1 ? quote(v, "'") : quote(v, '"');
}

function number(n: number, asReal: boolean): string {
  if (!asReal && Number.isSafeInteger(n)) return String(n);
  const s = String(n);
  // MOF reals need a '.': 1 → 1.0, 1e+21 → 1.0e+21
  if (s.includes('.')) return s;
  const e = s.indexOf('e');
  return e < 0 ? `${s}.0` : `${s.slice(0, e)}.0${s.slice(e)}`;
}

/** A string or char16 literal; control characters and lone UTF-16 halves become \x escapes. */
export function quote(s: string, q: '"' | "'"): string {
  let out = q;
  for (const ch of s.split('')) {
    const code = ch.charCodeAt(0);
    if (ch === '\\' || ch === q) out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || (code >= 0xd800 && code <= 0xdfff)) {
      out += `\\x${code.toString(16).toUpperCase().padStart(4, '0')}`;
    } else out += ch;
  }
  return out + q;
}
