export { feeFen, fenToJson, formatYuan, planFeeFen, selectFeeRule, toFen, type FeeRuleLike } from './fee';
