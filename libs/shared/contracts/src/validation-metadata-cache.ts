import { getMetadataStorage, useContainer } from 'class-validator';

/**
 * class-validator (0.15) looks a class's rules up again on every `validate`/`validateSync`, for
 * the object and each nested one: `getTargetValidationMetadatas` tests every decorated class of
 * the process (`prototype instanceof`) to find the class's ancestors, and `groupByPropertyName`
 * regroups the rules — a few hundred classes here, so that look-up cost more than the checks
 * (typestack/class-validator#2686; twentyhq/twenty#24085 memoizes it the same way). The answer
 * depends only on the arguments and on the rules registered so far, so it is kept per class and
 * arguments, and everything kept is dropped whenever a rule is registered (a class loaded
 * later, a schema added): every validation still runs every rule it ran before, on the same
 * rules, with the same errors.
 *
 * Each rule then asks class-validator's default container for its validator's instance, which
 * it finds by scanning a list of every validator made so far (one per decorated property): the
 * container installed here answers the same single instance per validator class from a Map.
 *
 * Installed once per process on class-validator's global metadata storage (every copy of the
 * library uses that one); `installValidationMetadataCache()` again is a no-op.
 */
const INSTALLED = Symbol.for('countypay.validationMetadataCache');

type Storage = ReturnType<typeof getMetadataStorage>;
type TargetMetadatas = Storage['getTargetValidationMetadatas'];
type ValidationMetadata = ReturnType<TargetMetadatas>[number];
type Grouped = ReturnType<Storage['groupByPropertyName']>;

interface CachingStorage {
  [INSTALLED]?: true;
}

export function installValidationMetadataCache(storage: Storage = getMetadataStorage()): void {
  const marked = storage as Storage & CachingStorage;
  if (marked[INSTALLED]) return;
  marked[INSTALLED] = true;

  const instances = new Map<new () => object, object>();
  useContainer({
    get(someClass: new () => object): object {
      let instance = instances.get(someClass);
      if (!instance) instances.set(someClass, (instance = new someClass()));
      return instance;
    },
  });

  // target → argument key → rules; a rules array this cache gave → its grouping (the executor only reads both)
  let byTarget = new Map<unknown, Map<string, ValidationMetadata[]>>();
  let grouped = new WeakMap<ValidationMetadata[], Grouped>();
  let given = new WeakSet<ValidationMetadata[]>();
  const forget = (): void => {
    byTarget = new Map();
    grouped = new WeakMap();
    given = new WeakSet();
  };

  const lookUp: TargetMetadatas = storage.getTargetValidationMetadatas.bind(storage);
  const group = storage.groupByPropertyName.bind(storage);
  const addValidationMetadata = storage.addValidationMetadata.bind(storage);
  const addConstraintMetadata = storage.addConstraintMetadata.bind(storage);

  storage.addValidationMetadata = (metadata) => {
    forget();
    addValidationMetadata(metadata);
  };
  storage.addConstraintMetadata = (metadata) => {
    forget();
    addConstraintMetadata(metadata);
  };
  storage.getTargetValidationMetadatas = (targetConstructor, targetSchema, always, strictGroups, groups) => {
    const key = `${targetSchema ?? ''}\u0000${always ? 1 : 0}${strictGroups ? 1 : 0}\u0000${groups ? JSON.stringify(groups) : '-'}`;
    let perTarget = byTarget.get(targetConstructor);
    const hit = perTarget?.get(key);
    if (hit) return hit;
    const found = lookUp(targetConstructor, targetSchema, always, strictGroups, groups);
    if (!perTarget) byTarget.set(targetConstructor, (perTarget = new Map()));
    perTarget.set(key, found);
    given.add(found);
    return found;
  };
  storage.groupByPropertyName = (metadata) => {
    if (!given.has(metadata)) return group(metadata);
    const hit = grouped.get(metadata);
    if (hit) return hit;
    const found = group(metadata);
    grouped.set(metadata, found);
    return found;
  };
}
