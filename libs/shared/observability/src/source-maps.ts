// Each service's main.ts imports this module first, as `@countypay/observability/source-maps` (a
// module of its own: the package's index would load OpenTelemetry and its dependencies before it).
// Stack traces name the .ts files and lines of this repository's code, as with --enable-source-maps,
// but node_modules' source maps are not read: each one read stays parsed on the heap (≈ 12 MB of a
// service's ≈ 57 MB live), which every full GC marks again — at rest too (docs/perf/throughput.md
// "tpidle").
import { setSourceMapsSupport } from 'node:module';

setSourceMapsSupport(true, { nodeModules: false, generatedCode: false });
