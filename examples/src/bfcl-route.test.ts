import { describe, expect, it } from 'vitest';
import {
  AgentOutputParseError,
  AgentOutputShapeError,
  UnknownFunctionError,
} from './agent-output-validation.js';
import {
  bfclRouteCall,
  bfclRouteVerdict,
  NO_FUNCTION,
  parseRoute,
  ROUTE_INSTRUCTIONS,
  ROUTE_SCHEMA,
  routeChoiceSchema,
  routedTask,
} from './bfcl-route.js';
import { irrelevantTask as irrelevant, weatherTask as multiple } from './city-tasks.fixture.js';

describe('the router step', () => {
  it('asks for one of the offered names or none, the functions by name and description first', () => {
    const call = bfclRouteCall(multiple);
    expect(call.system).toBe(
      `${ROUTE_INSTRUCTIONS}\n\nFunctions:\n- get_weather: The weather in a city.\n- get_time: The time in a city.\n- none: no function fits the question`,
    );
    expect(call.messages).toEqual([{ role: 'user', content: 'How warm is it in Oslo?' }]);
    expect(call.params).toEqual({ temperature: 0.7, maxTokens: 32 });
    expect(call.responseFormat).toEqual({ name: 'route', schema: ROUTE_SCHEMA, strict: true });
    expect(routeChoiceSchema(multiple.tools)).toEqual({
      type: 'object',
      properties: { function: { enum: ['get_weather', 'get_time', 'none'] } },
      required: ['function'],
      additionalProperties: false,
    });
  });

  it('reads the choice, refusing text that is not JSON, the wrong shape, or a name not offered', () => {
    expect(parseRoute('{"function": "get_time"}', multiple.tools)).toBe('get_time');
    expect(parseRoute('{"function": "none"}', multiple.tools)).toBe(NO_FUNCTION);
    expect(() => parseRoute('{"func', multiple.tools)).toThrow(AgentOutputParseError);
    expect(() => parseRoute('{"name": "get_time"}', multiple.tools)).toThrow(AgentOutputShapeError);
    expect(() => parseRoute('{"function": "get_date"}', multiple.tools)).toThrow(
      new UnknownFunctionError('get_date', ['get_weather', 'get_time', 'none']),
    );
  });

  it('offers the call step the chosen function only', () => {
    const routed = routedTask(multiple, ['get_time']);
    expect(routed.tools.map((t) => t.name)).toEqual(['get_time']);
    expect(routed.functions.map((f) => f.name)).toEqual(['get_time']);
    expect(routed.answer).toBe(multiple.answer);
  });

  it('judges the choice against the function BFCL expects, one message per kind of mistake', () => {
    expect(bfclRouteVerdict(multiple, 'get_weather')).toEqual({ score: 1 });
    expect(bfclRouteVerdict(irrelevant, 'none')).toEqual({ score: 1 });
    expect(bfclRouteVerdict(multiple, 'get_time')).toEqual({
      score: 0,
      label: 'route:wrong_function',
      message: 'function: expected the function that answers the question, got "get_time"',
    });
    expect(bfclRouteVerdict(multiple, 'none')).toEqual({
      score: 0,
      label: 'route:missed',
      message: 'function: expected the function that fits the question, got "none"',
    });
    expect(bfclRouteVerdict(irrelevant, 'get_weather')).toEqual({
      score: 0,
      label: 'route:irrelevant',
      message: 'function: expected none since none of the functions fits the question, got "get_weather"',
    });
  });
});
