// The real npm `openai` client (v6) against our /v1 endpoints. Run by
// tests/TtcFunctions.Tests/OpenAiNpmClientTests.cs: node openai-client.mjs BASE_URL API_KEY MODEL
// Prints one JSON object with what the client saw; the C# test asserts on it.
import OpenAI from 'openai';

const [baseURL, apiKey, model] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 60_000 });
const prompt = '<|begin|><|user|>Compute (3 + 4) * 2 - 5.<|assistant|>';
const out = {};

const whole = await client.completions.create({ model, prompt, max_tokens: 120, temperature: 0 });
out.whole = { text: whole.choices[0].text, finish: whole.choices[0].finish_reason, usage: whole.usage };

const stream = await client.completions.create({ model, prompt, max_tokens: 120, temperature: 0, stream: true, stream_options: { include_usage: true } });
const streamed = { text: '', chunks: 0, finish: null, usage: null };
for await (const chunk of stream) {
  streamed.chunks++;
  for (const choice of chunk.choices) {
    streamed.text += choice.text;
    streamed.finish = choice.finish_reason ?? streamed.finish;
  }
  streamed.usage = chunk.usage ?? streamed.usage;
}
out.stream = streamed;

async function failure(call) {
  try {
    await call();
    return null;
  } catch (e) {
    return { apiError: e instanceof OpenAI.APIError, status: e.status ?? null, message: e.message, code: e.code ?? null, param: e.param ?? null, type: e.type ?? null };
  }
}

out.unknownModel = await failure(() => client.completions.create({ model: 'gpt-4o-mini', prompt, max_tokens: 5 }));
out.unsupported = await failure(() => client.completions.create({ model, prompt, max_tokens: 5, logprobs: 2 }));
out.tooLong = await failure(() => client.completions.create({ model, prompt: '1 + '.repeat(200), max_tokens: 5 }));
out.streamError = await failure(async () => {
  const s = await client.completions.create({ model: 'gpt-4o-mini', prompt, max_tokens: 5, stream: true });
  for await (const _ of s) { /* drain */ }
});

const models = await client.models.list();
out.models = models.data.map(m => m.id);

console.log(JSON.stringify(out));
