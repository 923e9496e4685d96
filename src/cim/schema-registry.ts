// The class repository: every class of schema/ resolved once at start-up, then answered from maps.
// Names are case-insensitive everywhere (DSP0004 5.1.1) and come back in their declared spelling.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  findQualifier, hasQualifier, type ClassDecl, type Qualifier, type QualifierValue, type SourcePosition,
} from './class.js';
import { parseMof } from './mof-parser.js';
import { SchemaError, type InstanceDecl, type MofDocument, type QualifierTypeDecl } from './mof-types.js';
import { at, QualifierTypes } from './schema-qualifiers.js';
import { resolveClass, type ResolvedClass } from './schema-resolve.js';
import type { ValueMapLookup } from './schema-value-map.js';

export type { ResolvedClass, ResolvedMethod, ResolvedProperty } from './schema-resolve.js';
export type { ValueMapEntry, ValueMapLookup } from './schema-value-map.js';

/** Release data carried by the Version, Experimental and Deprecated qualifiers. */
export interface Lifecycle {
  /** the release the element appeared in */
  readonly version?: string;
  readonly experimental: boolean;
  /** present when deprecated: the names of the replacements (may be empty) */
  readonly deprecated?: readonly string[];
}

export interface SubclassOptions {
  /** all descendants (default) or direct subclasses only */
  readonly deep?: boolean;
  /** put the class itself first (default false) */
  readonly includeSelf?: boolean;
}

export class SchemaRegistry {
  private readonly classes = new Map<string, ResolvedClass>();
  private readonly ancestors = new Map<string, ReadonlySet<string>>();
  private readonly children = new Map<string, string[]>();
  private readonly order: string[] = [];
  private readonly subclassCache = new Map<string, readonly string[]>();

  private constructor(
    readonly qualifierTypes: QualifierTypes,
    /** instance declarations found in the schema, in file order */
    readonly instances: readonly InstanceDecl[],
  ) {}

  static fromDocuments(docs: readonly MofDocument[]): SchemaRegistry {
    const quals = new QualifierTypes(docs.flatMap((d) => d.qualifierTypes));
    const reg = new SchemaRegistry(quals, docs.flatMap((d) => d.instances));
    const decls = new Map<string, ClassDecl>();
    for (const c of docs.flatMap((d) => d.classes)) {
      const prev = decls.get(c.name.toLowerCase());
      if (prev !== undefined) throw new SchemaError(c.position, `class ${c.name} is already declared${at(prev.position)}`);
      decls.set(c.name.toLowerCase(), c);
    }
    const lookup = {
      canonical: (name: string): string | undefined => decls.get(name.toLowerCase())?.name,
      // over declarations, so it works before the classes involved are resolved; `seen` stops at cycles
      isA: (className: string, ancestorName: string): boolean => {
        const seen = new Set<string>();
        for (let d = decls.get(className.toLowerCase()); d !== undefined && !seen.has(d.name); ) {
          if (d.name.toLowerCase() === ancestorName.toLowerCase()) return true;
          seen.add(d.name);
          d = d.superclass === undefined ? undefined : decls.get(d.superclass.toLowerCase());
        }
        return false;
      },
    };
    const visiting = new Set<string>();
    const visit = (decl: ClassDecl): ResolvedClass => {
      const key = decl.name.toLowerCase();
      const done = reg.classes.get(key);
      if (done !== undefined) return done;
      if (visiting.has(key)) throw new SchemaError(decl.position, `class ${decl.name} inherits from itself`);
      visiting.add(key);
      let parent: ResolvedClass | undefined;
      if (decl.superclass !== undefined) {
        const sup = decls.get(decl.superclass.toLowerCase());
        if (sup === undefined) throw new SchemaError(decl.position, `class ${decl.name} has unknown superclass ${decl.superclass}`);
        parent = visit(sup);
      }
      const cls = resolveClass(decl, parent, quals, lookup);
      reg.add(cls);
      return cls;
    };
    for (const d of decls.values()) visit(d);
    // declaration order, whatever order resolution visited them in
    reg.order.push(...[...decls.values()].map((d) => d.name));
    for (const list of reg.children.values()) list.sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
    reg.checkInstances();
    return reg;
  }

  getClass(name: string): ResolvedClass | undefined {
    return this.classes.get(name.toLowerCase());
  }

  hasClass(name: string): boolean {
    return this.classes.has(name.toLowerCase());
  }

  /** All class names, in declaration (load) order. */
  classNames(): string[] {
    return [...this.order];
  }

  isA(className: string, ancestorName: string): boolean {
    return this.ancestors.get(className.toLowerCase())?.has(ancestorName.toLowerCase()) ?? false;
  }

  /** Subclasses depth-first, siblings sorted by name; [] for an unknown class. Answers are computed once. */
  subclassesOf(name: string, opts: SubclassOptions = {}): readonly string[] {
    const deep = opts.deep !== false;
    const self = opts.includeSelf === true;
    const key = `${name.toLowerCase()}|${deep}|${self}`;
    const cached = this.subclassCache.get(key);
    if (cached !== undefined) return cached;
    const cls = this.getClass(name);
    const out: string[] = cls !== undefined && self ? [cls.name] : [];
    const walk = (n: string): void => {
      for (const child of this.children.get(n.toLowerCase()) ?? []) {
        out.push(child);
        if (deep) walk(child);
      }
    };
    if (cls !== undefined) walk(cls.name);
    const frozen = Object.freeze(out);
    if (cls !== undefined) this.subclassCache.set(key, frozen);
    return frozen;
  }

  /**
   * Lifecycle of a class, or of one of its properties or methods. For a member, Experimental and Deprecated come
   * from the declaration in effect (they are Restricted, so an override restates them); Version falls back to the
   * ancestor declarations when the override does not restate it.
   */
  lifecycle(className: string, memberName?: string): Lifecycle | undefined {
    const cls = this.getClass(className);
    if (cls === undefined) return undefined;
    if (memberName === undefined) return lifecycleOf(cls.declaration.qualifiers, undefined);
    const chain: (readonly Qualifier[])[] = [];
    let declaredIn: string | undefined = (cls.property(memberName) ?? cls.method(memberName))?.declaredIn;
    if (declaredIn === undefined) return undefined;
    while (declaredIn !== undefined) {
      const decl: ClassDecl | undefined = this.getClass(declaredIn)?.declaration;
      const own = decl?.properties.find((p) => p.name.toLowerCase() === memberName.toLowerCase())
        ?? decl?.methods.find((m) => m.name.toLowerCase() === memberName.toLowerCase());
      if (own === undefined) break;
      chain.push(own.qualifiers);
      const sup: ResolvedClass | undefined = decl?.superclass !== undefined ? this.getClass(decl.superclass) : undefined;
      declaredIn = sup === undefined ? undefined : (sup.property(memberName) ?? sup.method(memberName))?.declaredIn;
    }
    const version = chain.map((qs) => findQualifier(qs, 'Version')?.value).find((v) => typeof v === 'string');
    return lifecycleOf(chain[0] ?? [], version);
  }

  /** ValueMap/Values of a property, of a method's return value, or of a method parameter. */
  valueMap(className: string, memberName: string, parameterName?: string): ValueMapLookup | undefined {
    return this.getClass(className)?.valueMap(memberName, parameterName);
  }

  qualifierType(name: string): QualifierTypeDecl | undefined {
    return this.qualifierTypes.get(name);
  }

  /** A qualifier's value on an element: as stated there, else its declared default (e.g. In is true by default). */
  qualifierValue(qs: readonly Qualifier[], name: string): QualifierValue {
    return this.qualifierTypes.valueOf(qs, name);
  }

  private add(cls: ResolvedClass): void {
    const key = cls.name.toLowerCase();
    this.classes.set(key, cls);
    this.ancestors.set(key, new Set(cls.ancestry.map((a) => a.toLowerCase())));
    if (cls.superclass !== undefined) {
      const siblings = this.children.get(cls.superclass.toLowerCase()) ?? [];
      siblings.push(cls.name);
      this.children.set(cls.superclass.toLowerCase(), siblings);
    }
  }

  private checkInstances(): void {
    for (const inst of this.instances) {
      const cls = this.getClass(inst.className);
      if (cls === undefined) throw new SchemaError(inst.position, `instance of unknown class ${inst.className}`);
      for (const p of inst.properties) {
        if (cls.property(p.name) === undefined) {
          throw new SchemaError(p.position ?? inst.position, `class ${cls.name} has no property ${p.name}`);
        }
      }
    }
  }
}

function lifecycleOf(qs: readonly Qualifier[], version: QualifierValue | undefined): Lifecycle {
  const v = version ?? findQualifier(qs, 'Version')?.value;
  const dep = findQualifier(qs, 'Deprecated')?.value;
  const deprecated = dep === undefined || dep === null || dep === false ? undefined
    : Array.isArray(dep) ? dep.map(String) : typeof dep === 'string' ? [dep] : [];
  return {
    ...(typeof v === 'string' ? { version: v } : {}),
    experimental: hasQualifier(qs, 'Experimental'),
    ...(deprecated !== undefined ? { deprecated } : {}),
  };
}

// ---- Loading (the only I/O in src/cim) ----

/** schema/ at the repository root, found from this module (src/cim or dist/cim). */
export function defaultSchemaDir(): string {
  return fileURLToPath(new URL('../../schema/', import.meta.url));
}

/**
 * Parses `dir/index.mof` and the files its `#pragma include`s name (relative to the including file), or every
 * .mof file under dir (sorted) when there is no index. Errors name the file.
 */
export function loadSchemaDir(dir: string): SchemaRegistry {
  const index = join(dir, 'index.mof');
  if (!isFile(index)) {
    const files = listMof(dir).sort();
    return SchemaRegistry.fromDocuments(files.map((f) => parseMof(read(f, undefined), f)));
  }
  const docs: MofDocument[] = [];
  const seen = new Set<string>();
  const load = (file: string, includedAt: SourcePosition | undefined): void => {
    const abs = resolve(file);
    if (seen.has(abs)) throw new SchemaError(includedAt, `${file} is included more than once`);
    seen.add(abs);
    const doc = parseMof(read(file, includedAt), file);
    docs.push(doc);
    for (const p of doc.pragmas) {
      if (p.name === 'include') load(join(dirname(file), p.value), p.position);
    }
  };
  load(index, undefined);
  return SchemaRegistry.fromDocuments(docs);
}

function read(file: string, includedAt: SourcePosition | undefined): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err: unknown) {
    throw new SchemaError(includedAt, `cannot read ${file} (${errorCode(err)})`);
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function listMof(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch (err: unknown) {
    throw new SchemaError(undefined, `cannot read schema directory ${dir} (${errorCode(err)})`);
  }
  return names.filter((n) => n.toLowerCase().endsWith('.mof')).map((n) => join(dir, n)).filter(isFile);
}

function errorCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? String(err);
}
