/**
 * The strongly connected components of a graph held as typed arrays (the targets of node i are
 * `targets[start[i]..start[i+1])`, a negative target being no node): Tarjan's algorithm, iterative, so a 100,000-rule chain
 * does not overflow the stack.
 */
export interface Components {
  /** The component of each node. Components are numbered in the order Tarjan emits them: every
   *  component a node can reach has a number no greater than its own. */
  readonly of: Int32Array;
  /** The nodes of component c are `members[memberStart[c]..memberStart[c+1])`, in Tarjan's stack order. */
  readonly members: Int32Array;
  readonly memberStart: Int32Array;
}

export function stronglyConnected(count: number, start: Int32Array, targets: Int32Array): Components {
  const index = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const onStack = new Uint8Array(count);
  // Tarjan's stack and the walk's own stack (node, next edge), each at most one entry per node.
  const stack = new Int32Array(count);
  let stackSize = 0;
  const workNode = new Int32Array(count);
  const workNext = new Int32Array(count);
  const of = new Int32Array(count);
  const members = new Int32Array(count);
  const memberStart: number[] = [0];
  let emitted = 0;
  let counter = 0;
  for (let root = 0; root < count; root++) {
    if (index[root] >= 0) continue;
    workNode[0] = root;
    workNext[0] = start[root];
    let depth = 1;
    index[root] = low[root] = counter++;
    stack[stackSize++] = root;
    onStack[root] = 1;
    while (depth > 0) {
      const top = depth - 1;
      const node = workNode[top];
      const next = workNext[top];
      if (next < start[node + 1]) {
        workNext[top] = next + 1;
        const target = targets[next];
        if (target < 0) continue;
        if (index[target] < 0) {
          index[target] = low[target] = counter++;
          stack[stackSize++] = target;
          onStack[target] = 1;
          workNode[depth] = target;
          workNext[depth] = start[target];
          depth++;
        } else if (onStack[target] && index[target] < low[node]) low[node] = index[target];
        continue;
      }
      depth--;
      if (depth > 0) {
        const parent = workNode[depth - 1];
        if (low[node] < low[parent]) low[parent] = low[node];
      }
      if (low[node] !== index[node]) continue;
      // The component is the stack down to `node`, kept in stack order.
      let bottom = stackSize - 1;
      while (stack[bottom] !== node) bottom--;
      const component = memberStart.length - 1;
      for (let at = bottom; at < stackSize; at++) {
        const member = stack[at];
        onStack[member] = 0;
        of[member] = component;
        members[emitted++] = member;
      }
      stackSize = bottom;
      memberStart.push(emitted);
    }
  }
  return { of, members, memberStart: Int32Array.from(memberStart) };
}

/** Whether node refers to itself. */
export function refersToItself(node: number, start: Int32Array, targets: Int32Array): boolean {
  for (let edge = start[node]; edge < start[node + 1]; edge++) if (targets[edge] === node) return true;
  return false;
}
