import { IsInt, IsString, MaxLength, Min, ValidateNested, getMetadataStorage, registerDecorator, validateSync, type ValidationError } from 'class-validator';
import { Type, plainToInstance } from 'class-transformer';
import { installValidationMetadataCache } from './validation-metadata-cache';

const messages = (errors: ValidationError[]): unknown =>
  errors.map((e) => ({ property: e.property, constraints: e.constraints, children: messages(e.children ?? []) }));

class Line {
  @IsString()
  @MaxLength(4)
  sku!: string;
}
class Base {
  @IsInt()
  @Min(1)
  amountFen!: number;
}
class Order extends Base {
  @IsString()
  note!: string;

  @ValidateNested({ each: true })
  @Type(() => Line)
  lines!: Line[];
}

const bad = { amountFen: 0, note: 3, lines: [{ sku: 'too long' }], extra: true };
const check = (cls: new () => object, plain: object, groups?: string[]) =>
  messages(
    validateSync(plainToInstance(cls, plain), { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, ...(groups ? { groups } : {}) }),
  );

describe('installValidationMetadataCache', () => {
  const before = check(Order, bad);
  const beforeValid = check(Order, { amountFen: 1, note: 'n', lines: [{ sku: 'a' }] });
  const beforeUnknown = messages(validateSync({}, { forbidUnknownValues: true }));
  installValidationMetadataCache();

  it('gives every validation the errors it gave without the cache: own, inherited, nested, unknown fields, unknown values', () => {
    expect(before).not.toEqual([]);
    for (let i = 0; i < 3; i++) {
      expect(check(Order, bad)).toEqual(before);
      expect(check(Order, { amountFen: 1, note: 'n', lines: [{ sku: 'a' }] })).toEqual(beforeValid);
      expect(messages(validateSync({}, { forbidUnknownValues: true }))).toEqual(beforeUnknown);
    }
  });

  it('answers the same rules again without looking them up, per class and options', () => {
    const storage = getMetadataStorage();
    const a = storage.getTargetValidationMetadatas(Order, '', false, false);
    expect(storage.getTargetValidationMetadatas(Order, '', false, false)).toBe(a);
    expect(storage.groupByPropertyName(a)).toBe(storage.groupByPropertyName(a));
    expect(storage.getTargetValidationMetadatas(Order, '', false, false, ['g'])).not.toBe(a);
    expect(a.map((m) => m.propertyName).sort()).toEqual(['amountFen', 'amountFen', 'lines', 'note']);
  });

  it('sees rules registered after a class was validated: a subclass loaded later, and a rule added to a parent', () => {
    expect(check(Order, { amountFen: 1, note: 'n', lines: [] })).toEqual([]);
    class LateOrder extends Order {
      @IsString()
      late!: string;
    }
    expect(check(LateOrder, { amountFen: 1, note: 'n', lines: [] })).toEqual([
      { property: 'late', constraints: { isString: 'late must be a string' }, children: [] },
    ]);
    // a rule registered on Base now (as a decorator of a class loaded later would): Order obeys it at once
    registerDecorator({
      target: Base,
      propertyName: 'amountFen',
      name: 'isEven',
      validator: { validate: (v: unknown) => typeof v === 'number' && v % 2 === 0, defaultMessage: () => 'amountFen must be even' },
    });
    expect(check(Order, { amountFen: 1, note: 'n', lines: [] })).toEqual([
      { property: 'amountFen', constraints: { isEven: 'amountFen must be even' }, children: [] },
    ]);
  });

  it('makes one validator instance per validator class, as the default container does', () => {
    const constraints = getMetadataStorage()
      .getTargetValidationMetadatas(Line, '', false, false)
      .map((m) => m.constraintCls);
    const storage = getMetadataStorage();
    for (const cls of constraints) {
      const [meta] = storage.getTargetValidatorConstraints(cls);
      expect(meta!.instance).toBeInstanceOf(cls);
      expect(meta!.instance).toBe(storage.getTargetValidatorConstraints(cls)[0]!.instance);
    }
  });

  it('is installed once however often it is called', () => {
    const storage = getMetadataStorage();
    const lookUp = storage.getTargetValidationMetadatas;
    installValidationMetadataCache();
    expect(storage.getTargetValidationMetadatas).toBe(lookUp);
  });
});
