import { runEngineBench } from "/work/main/scripts/bench/engine-bench.ts";
import { translatePolicy } from "/work/main/scripts/bench/cedar.ts";
import { loadExamplePolicy } from "/work/main/scripts/bench/engine-bench.ts";
for (const [id, p] of Object.entries(translatePolicy(loadExamplePolicy()).policies)) console.log(p);
const r = await runEngineBench({ rounds: 3 });
console.log(JSON.stringify(r, null, 1).slice(0, 4000));
