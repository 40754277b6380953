// The reference graph lives in the engine (check_rules needs it); features use it from here.
export { ruleCycles, ruleReferences } from '../engine/referenceGraph';
