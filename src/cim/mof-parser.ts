// Recursive-descent parser for DSP0004 (CIM 2.x) MOF: pragmas, qualifier types, classes and instances.
import type { ClassDecl, MethodDecl, ParameterDecl, PropertyDecl, Qualifier, QualifierValue } from './class.js';
import { MofCursor } from './mof-cursor.js';
import { describeToken, tokenize, type Token } from './mof-lexer.js';
import { checkLiteral, MOF_DATA_TYPES, type Literal } from './mof-values.js';
import {
  MOF_FLAVORS, MOF_SCOPES,
  type InstanceDecl, type InstancePropertyValue, type InstanceScalar, type InstanceValue, type MofDocument,
  type MofFlavor, type MofPragma, type MofScope, type QualifierTypeDecl,
} from './mof-types.js';
import type { CimType } from './types.js';

export function parseMof(text: string, file: string): MofDocument {
  return new Parser(tokenize(text, file), file).document();
}

interface Initializer {
  readonly value: InstanceValue;
  readonly literals: readonly Literal[];
  readonly isArray: boolean;
  readonly token: Token;
}

/** A data type or `Class REF` as it appears before a feature or parameter name. */
interface TypeRef {
  readonly type: CimType;
  readonly refClass?: string;
  readonly token: Token;
}

const TYPE_LIST = MOF_DATA_TYPES.join(', ');

class Parser extends MofCursor {
  constructor(tokens: readonly Token[], private readonly file: string) {
    super(tokens);
  }

  document(): MofDocument {
    const pragmas: MofPragma[] = [];
    const qualifierTypes: QualifierTypeDecl[] = [];
    const classes: ClassDecl[] = [];
    const instances: InstanceDecl[] = [];
    const aliases = new Set<string>();
    while (this.peek().kind !== 'eof') {
      const t = this.peek();
      if (t.kind === 'pragma') { pragmas.push(this.pragma()); continue; }
      if (this.isWord('qualifier')) { qualifierTypes.push(this.qualifierType()); continue; }
      const qualifiers = this.isPunct('[') ? this.qualifierList() : [];
      if (this.isWord('class')) { classes.push(this.classDecl(qualifiers)); continue; }
      if (this.isWord('instance')) {
        const inst = this.instanceDecl(qualifiers);
        if (inst.alias !== undefined) {
          const key = inst.alias.toLowerCase();
          if (aliases.has(key)) this.failAt(t, 'an alias not used before in this file', `duplicate '$${inst.alias}'`);
          aliases.add(key);
        }
        instances.push(inst);
        continue;
      }
      this.fail(qualifiers.length > 0 ? "'class' or 'instance' after a qualifier list"
        : "'#pragma', 'Qualifier', 'class', 'instance' or '['");
    }
    return { file: this.file, pragmas, qualifierTypes, classes, instances };
  }

  // #pragma name("value")
  private pragma(): MofPragma {
    const position = this.next().pos;
    const name = this.identifier('a pragma name').text.toLowerCase();
    this.punct('(');
    const t = this.peek();
    if (t.kind !== 'string') this.fail('a string pragma parameter');
    const value = this.strings();
    this.punct(')');
    return { name, value, position };
  }

  // Qualifier Name : type[] = default, Scope(...), Flavor(...);
  private qualifierType(): QualifierTypeDecl {
    this.next();
    const nameTok = this.identifier('a qualifier name');
    this.punct(':');
    const typeTok = this.identifier('a qualifier data type');
    const type = this.dataType(typeTok);
    const array = this.arraySuffix();
    let defaultValue: QualifierValue = null;
    if (this.acceptPunct('=')) {
      const init = this.initializer(false);
      this.checkInit(type, array.isArray, init);
      defaultValue = init.value as QualifierValue;
    }
    this.punct(',');
    this.keyword('scope');
    const scopes = this.wordList<MofScope>(MOF_SCOPES, 'a scope');
    let flavors: MofFlavor[] = [];
    if (this.acceptPunct(',')) {
      this.keyword('flavor');
      flavors = this.wordList<MofFlavor>(MOF_FLAVORS, 'a flavor');
      const has = (f: MofFlavor): boolean => flavors.includes(f);
      if ((has('EnableOverride') && has('DisableOverride')) || (has('Restricted') && has('ToSubclass'))) {
        this.failAt(nameTok, 'consistent flavors', 'conflicting flavors');
      }
    }
    this.punct(';');
    return {
      name: nameTok.text, type, isArray: array.isArray,
      ...(array.size !== undefined ? { arraySize: array.size } : {}),
      defaultValue, scopes, flavors, position: nameTok.pos,
    };
  }

  private wordList<T extends string>(allowed: readonly T[], what: string): T[] {
    this.punct('(');
    const out: T[] = [];
    do {
      const t = this.identifier(what);
      const found = allowed.find((a) => a.toLowerCase() === t.text.toLowerCase());
      if (found === undefined) this.failAt(t, `${what} (${allowed.join(', ')})`, describeToken(t));
      if (out.includes(found)) this.failAt(t, `each ${what.replace(/^an? /, '')} once`, `duplicate '${t.text}'`);
      out.push(found);
    } while (this.acceptPunct(','));
    this.punct(')');
    return out;
  }

  // [qualifiers] class Name : Super { features };
  private classDecl(qualifiers: Qualifier[]): ClassDecl {
    this.next();
    const nameTok = this.identifier('a class name');
    const superclass = this.acceptPunct(':') ? this.identifier('a superclass name').text : undefined;
    this.punct('{');
    const properties: PropertyDecl[] = [];
    const methods: MethodDecl[] = [];
    const names = new Set<string>();
    while (!this.acceptPunct('}')) {
      if (this.peek().kind === 'eof') this.fail(`'}' to close class ${nameTok.text}`);
      const featureQualifiers = this.isPunct('[') ? this.qualifierList() : [];
      const typeRef = this.typeRef('a property or method');
      const name = this.identifier('a property or method name');
      if (names.has(name.text.toLowerCase())) {
        this.failAt(name, `a property name not already declared in class ${nameTok.text}`, `duplicate '${name.text}'`);
      }
      names.add(name.text.toLowerCase());
      if (this.isPunct('(')) methods.push(this.method(featureQualifiers, typeRef, name));
      else properties.push(this.property(featureQualifiers, typeRef, name));
    }
    this.punct(';');
    return {
      name: nameTok.text, ...(superclass !== undefined ? { superclass } : {}),
      qualifiers, properties, methods, position: nameTok.pos,
    };
  }

  private property(qualifiers: Qualifier[], typeRef: TypeRef, name: Token): PropertyDecl {
    const array = this.arraySuffix();
    if (array.isArray && typeRef.refClass !== undefined) this.failAt(name, "';' (reference properties cannot be arrays)", "'['");
    let defaultValue: QualifierValue | undefined;
    if (this.acceptPunct('=')) {
      const init = this.initializer(false);
      this.checkInit(typeRef.type, array.isArray, init);
      defaultValue = init.value as QualifierValue;
    }
    this.punct(';');
    return {
      name: name.text, type: typeRef.type, isArray: array.isArray,
      ...(array.size !== undefined ? { arraySize: array.size } : {}),
      ...(typeRef.refClass !== undefined ? { refClass: typeRef.refClass } : {}),
      ...(defaultValue !== undefined ? { defaultValue } : {}),
      qualifiers, position: typeRef.token.pos,
    };
  }

  private method(qualifiers: Qualifier[], typeRef: TypeRef, name: Token): MethodDecl {
    if (typeRef.refClass !== undefined) this.failAt(typeRef.token, 'a data type as method return type', 'a reference');
    this.punct('(');
    const parameters: ParameterDecl[] = [];
    const names = new Set<string>();
    if (!this.acceptPunct(')')) {
      do {
        const pq = this.isPunct('[') ? this.qualifierList() : [];
        const pt = this.typeRef('a parameter');
        const pn = this.identifier('a parameter name');
        if (names.has(pn.text.toLowerCase())) {
          this.failAt(pn, `a parameter name not already used in method ${name.text}`, `duplicate '${pn.text}'`);
        }
        names.add(pn.text.toLowerCase());
        const array = this.arraySuffix();
        parameters.push({
          name: pn.text, type: pt.type, isArray: array.isArray,
          ...(array.size !== undefined ? { arraySize: array.size } : {}),
          ...(pt.refClass !== undefined ? { refClass: pt.refClass } : {}),
          qualifiers: pq, position: pt.token.pos,
        });
      } while (this.acceptPunct(','));
      this.punct(')');
    }
    this.punct(';');
    return { name: name.text, returnType: typeRef.type, parameters, qualifiers, position: typeRef.token.pos };
  }

  // [qualifiers] instance of Class as $Alias { Name = value; };
  private instanceDecl(qualifiers: Qualifier[]): InstanceDecl {
    const position = this.next().pos;
    this.keyword('of');
    const className = this.identifier('a class name').text;
    let alias: string | undefined;
    if (this.isWord('as')) {
      this.next();
      const a = this.peek();
      if (a.kind !== 'alias') this.fail("an alias ('$name')");
      alias = String(this.next().value);
    }
    this.punct('{');
    const properties: InstancePropertyValue[] = [];
    const names = new Set<string>();
    while (!this.acceptPunct('}')) {
      if (this.peek().kind === 'eof') this.fail(`'}' to close the instance of ${className}`);
      const pq = this.isPunct('[') ? this.qualifierList() : [];
      const name = this.identifier('a property name');
      if (names.has(name.text.toLowerCase())) {
        this.failAt(name, 'a property not already given a value in this instance', `duplicate '${name.text}'`);
      }
      names.add(name.text.toLowerCase());
      this.punct('=');
      const init = this.initializer(true);
      this.punct(';');
      properties.push({ name: name.text, value: init.value, qualifiers: pq, position: name.pos });
    }
    this.punct(';');
    return { className, ...(alias !== undefined ? { alias } : {}), qualifiers, properties, position };
  }

  // [Name, Name(value), Name{v1, v2}]
  private qualifierList(): Qualifier[] {
    this.punct('[');
    const out: Qualifier[] = [];
    const seen = new Set<string>();
    do {
      const name = this.identifier('a qualifier name');
      if (seen.has(name.text.toLowerCase())) this.failAt(name, 'each qualifier once in a list', `duplicate '${name.text}'`);
      seen.add(name.text.toLowerCase());
      let value: QualifierValue = true;
      if (this.acceptPunct('(')) {
        value = this.initializer(false).value as QualifierValue;
        this.punct(')');
      } else if (this.isPunct('{')) {
        value = this.initializer(false).value as QualifierValue;
      }
      out.push({ name: name.text, value });
    } while (this.acceptPunct(','));
    if (!this.isPunct(']')) this.fail("',' or ']'");
    this.next();
    return out;
  }

  /** A scalar literal, an array `{...}`, or (in instances) an alias. */
  private initializer(allowAlias: boolean): Initializer {
    const token = this.peek();
    if (!this.acceptPunct('{')) {
      const lit = this.literal(allowAlias, true);
      return { value: lit.value, literals: [lit], isArray: false, token };
    }
    const literals: Literal[] = [];
    if (!this.acceptPunct('}')) {
      do literals.push(this.literal(allowAlias, false)); while (this.acceptPunct(','));
      if (!this.isPunct('}')) this.fail("',' or '}'");
      this.next();
    }
    const value = literals.map((l) => l.value as InstanceScalar);
    return { value, literals, isArray: true, token };
  }

  private literal(allowAlias: boolean, allowNull: boolean): Literal {
    const t = this.peek();
    switch (t.kind) {
      case 'string': return { kind: 'string', value: this.strings(), token: t };
      case 'char': this.next(); return { kind: 'char', value: String(t.value), token: t };
      case 'integer': this.next(); return { kind: 'integer', value: t.value, token: t };
      case 'real': this.next(); return { kind: 'real', value: t.value, token: t };
      case 'alias':
        if (!allowAlias) break;
        this.next();
        return { kind: 'alias', value: { alias: String(t.value) }, token: t };
      case 'identifier': {
        const w = t.text.toLowerCase();
        if (w === 'true' || w === 'false') { this.next(); return { kind: 'boolean', value: w === 'true', token: t }; }
        if (w === 'null' && allowNull) { this.next(); return { kind: 'null', value: null, token: t }; }
        break;
      }
      default: break;
    }
    return this.fail(allowNull ? 'a value' : 'an array element value');
  }

  /** Adjacent string literals concatenate (DSP0004 stringValue). */
  private strings(): string {
    let s = '';
    while (this.peek().kind === 'string') s += String(this.next().value);
    return s;
  }

  private checkInit(type: CimType, isArray: boolean, init: Initializer): void {
    const lit0 = init.literals[0];
    if (!init.isArray && lit0?.kind === 'null') return;
    if (isArray !== init.isArray) {
      this.failAt(init.token, isArray ? `an array value {…} of ${type}` : `a single ${type} value`, describeToken(init.token));
    }
    for (const lit of init.literals) {
      const problem = checkLiteral(type, lit);
      if (problem !== undefined) this.failAt(lit.token, problem, describeToken(lit.token));
    }
  }

  private typeRef(what: string): TypeRef {
    const token = this.identifier(`a data type or class name of ${what}`);
    if (this.isWord('ref')) {
      this.next();
      return { type: 'reference', refClass: token.text, token };
    }
    return { type: this.dataType(token), token };
  }

  private dataType(t: Token): CimType {
    const lower = t.text.toLowerCase();
    const found = MOF_DATA_TYPES.find((d) => d === lower);
    if (found === undefined) this.failAt(t, `a CIM data type (${TYPE_LIST}) or 'ClassName REF'`, describeToken(t));
    return found;
  }

  private arraySuffix(): { isArray: boolean; size?: number } {
    if (!this.acceptPunct('[')) return { isArray: false };
    if (this.acceptPunct(']')) return { isArray: true };
    const t = this.peek();
    if (t.kind !== 'integer' || !/^[1-9][0-9]*$/.test(t.text)) this.fail("a positive decimal array size or ']'");
    this.next();
    this.punct(']');
    return { isArray: true, size: Number(t.value) };
  }
}
