// BFCL tasks about a city for the router's tests: one choosing between two functions, and one that
// none of them fits.

import { parseBfclTask } from './bfcl-tasks.js';

const cityFunction = (name: string, description: string) => ({
  name,
  description,
  parameters: {
    type: 'dict',
    properties: { city: { type: 'string', description: 'A city.' } },
    required: ['city'],
  },
});

/** get_weather answers it; get_time is offered too. */
export const weatherTask = parseBfclTask(
  'multiple',
  {
    id: 'multiple_3',
    question: [[{ role: 'user', content: 'How warm is it in Oslo?' }]],
    function: [
      cityFunction('get_weather', 'The weather in a city.'),
      cityFunction('get_time', 'The time in a city.'),
    ],
  },
  { id: 'multiple_3', ground_truth: [{ get_weather: { city: ['Oslo'] } }] },
);

/** No function fits. */
export const irrelevantTask = parseBfclTask('irrelevance', {
  id: 'irrelevance_4',
  question: [[{ role: 'user', content: 'Who wrote Hamlet?' }]],
  function: [cityFunction('get_weather', 'The weather in a city.')],
});
