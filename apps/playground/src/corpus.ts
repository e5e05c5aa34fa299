import { FormatError } from '@deeprnn/core';
import { type Corpus, MAX_CORPUS_BYTES, loadCorpus, readResponseWithin } from '@deeprnn/lm';

/** What {@link fetchCorpus} needs of `fetch` (tests pass a stub). */
export type CorpusFetch = (url: string) => Promise<Response>;

/**
 * The training text: `corpus.txt` next to the page (`deeprnn playground` serves The Time Machine shipped
 * in @deeprnn/lm there, so training needs no network beyond the page's own server), or the URL in
 * `?corpus=`. d2l trains on its first 10 000 characters (`maxTokens`; 0 for all). The body is read at
 * most {@link MAX_CORPUS_BYTES} (64 MiB), so a wrong URL cannot fill the tab's memory.
 *
 * @throws {@link FormatError} with one line naming the URL and what to do: unreachable, an HTTP error,
 *   empty, or no letters at all; {@link SizeLimitError} when it is over the limit.
 */
export async function fetchCorpus(
  maxTokens: number,
  url = new URLSearchParams(location.search).get('corpus') ?? 'corpus.txt',
  get: CorpusFetch = (u) => fetch(u),
): Promise<Corpus> {
  const hint = url === 'corpus.txt' ? ' (serve the page with `deeprnn playground`, which serves the corpus there)' : '';
  let response: Response;
  try {
    response = await get(url);
  } catch (e) {
    throw new FormatError(
      `could not load the corpus from ${url}: ${e instanceof Error ? e.message : String(e)}${hint}`,
      { cause: e },
    );
  }
  if (!response.ok) throw new FormatError(`could not load the corpus from ${url}: HTTP ${response.status}${hint}`);
  const bytes = await readResponseWithin(response, `the corpus at ${url}`, MAX_CORPUS_BYTES, 'pick a smaller text');
  const text = new TextDecoder().decode(bytes);
  if (text.length === 0) throw new FormatError(`the corpus at ${url} is empty`);
  const corpus = loadCorpus(text, maxTokens);
  if (corpus.ids.length < 2)
    throw new FormatError(
      `the corpus at ${url} has no letters to train on (${text.length} characters, none of them A-Z or a-z)`,
    );
  return corpus;
}
