export { feeFen, fenToJson, formatYuan, toFen } from './fee';
