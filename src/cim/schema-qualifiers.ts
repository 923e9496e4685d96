// Qualifier declarations as the registry uses them: which qualifiers exist, where they may appear, what values
// they take, and how they flow down the hierarchy (DSP0004 flavors: Restricted, DisableOverride).
import { findQualifier, type Qualifier, type QualifierValue, type SourcePosition } from './class.js';
import { SchemaError, type MofScope, type QualifierTypeDecl } from './mof-types.js';
import type { CimType } from './types.js';

export class QualifierTypes {
  private readonly byName = new Map<string, QualifierTypeDecl>();

  constructor(decls: readonly QualifierTypeDecl[]) {
    for (const d of decls) {
      const prev = this.byName.get(d.name.toLowerCase());
      if (prev !== undefined) throw new SchemaError(d.position, `qualifier ${d.name} is already declared${at(prev.position)}`);
      this.byName.set(d.name.toLowerCase(), d);
    }
  }

  get(name: string): QualifierTypeDecl | undefined {
    return this.byName.get(name.toLowerCase());
  }

  all(): QualifierTypeDecl[] {
    return [...this.byName.values()];
  }

  /** Restricted qualifiers stay on the element that states them; all others pass to subclasses. */
  propagates(name: string): boolean {
    return !(this.get(name)?.flavors.includes('Restricted') ?? false);
  }

  overridable(name: string): boolean {
    return !(this.get(name)?.flavors.includes('DisableOverride') ?? false);
  }

  /** The value an element has for a qualifier: the one it states, else the declared default. */
  valueOf(qs: readonly Qualifier[], name: string): QualifierValue {
    const q = findQualifier(qs, name);
    return q !== undefined ? q.value : (this.get(name)?.defaultValue ?? null);
  }

  /** Every qualifier in `qs` must be declared, allowed at `scope`, and hold a value of its declared type. */
  check(qs: readonly Qualifier[], scope: MofScope, position: SourcePosition | undefined, owner: string): void {
    for (const q of qs) {
      const decl = this.get(q.name);
      if (decl === undefined) throw new SchemaError(position, `unknown qualifier ${q.name} on ${owner}`);
      if (!decl.scopes.includes('any') && !decl.scopes.includes(scope)) {
        throw new SchemaError(position, `qualifier ${decl.name} is not allowed on a ${scope} (${owner}); its scope is ${decl.scopes.join(', ')}`);
      }
      if (!valueFits(decl, q.value)) {
        const want = `${decl.type}${decl.isArray ? '[]' : ''}`;
        throw new SchemaError(position, `qualifier ${decl.name} on ${owner} needs a ${want} value, not ${JSON.stringify(q.value)}`);
      }
    }
  }

  /** Qualifiers an element inherits from the one it overrides or extends. */
  propagated(qs: readonly Qualifier[]): Qualifier[] {
    return qs.filter((q) => this.propagates(q.name));
  }

  /**
   * Inherited qualifiers overlaid by the element's own (DSP0004 5.6.1.3): same name replaces in place, new ones
   * follow. Changing a DisableOverride qualifier is an error.
   */
  merge(inherited: readonly Qualifier[], own: readonly Qualifier[], position: SourcePosition | undefined, owner: string): Qualifier[] {
    const out = [...inherited];
    for (const q of own) {
      const i = out.findIndex((o) => o.name.toLowerCase() === q.name.toLowerCase());
      const prev = out[i];
      if (prev === undefined) { out.push(q); continue; }
      if (!this.overridable(q.name) && !sameValue(prev.value, q.value)) {
        throw new SchemaError(position, `${owner} cannot change qualifier ${prev.name}: it is DisableOverride`);
      }
      out[i] = q;
    }
    return out;
  }
}

function valueFits(decl: QualifierTypeDecl, v: QualifierValue): boolean {
  if (v === null) return true;
  if (Array.isArray(v)) return decl.isArray && v.every((e: unknown) => scalarFits(decl.type, e));
  return !decl.isArray && scalarFits(decl.type, v);
}

function scalarFits(type: CimType, v: unknown): boolean {
  switch (type) {
    case 'boolean': return typeof v === 'boolean';
    case 'string': case 'datetime': case 'char16': case 'reference': return typeof v === 'string';
    case 'real32': case 'real64': return typeof v === 'number';
    default: return typeof v === 'number' && Number.isInteger(v);
  }
}

export function sameValue(a: QualifierValue, b: QualifierValue): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

export function at(p: SourcePosition | undefined): string {
  return p === undefined ? '' : ` at ${p.file}:${p.line}:${p.column}`;
}
