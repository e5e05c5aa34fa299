import { type Corpus, loadCorpus } from '@deeprnn/lm';

/**
 * The training text: `corpus.txt` next to the page (`deeprnn playground` serves The Time Machine there),
 * or the URL in `?corpus=`. d2l trains on its first 10 000 characters (`maxTokens`; 0 for all).
 */
export async function fetchCorpus(maxTokens: number, url = new URLSearchParams(location.search).get('corpus') ?? 'corpus.txt'): Promise<Corpus> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not load the corpus from ${url}: HTTP ${response.status} (serve the page with deeprnn playground)`);
  const text = await response.text();
  if (text.length === 0) throw new Error(`the corpus at ${url} is empty`);
  return loadCorpus(text, maxTokens);
}
