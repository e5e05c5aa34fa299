import { FormatError, type Tensor, UnsupportedError, gateCount, tensor } from '@deeprnn/core';
import { describe, expect, it } from 'vitest';
import { type LayerWeights, importKerasConfig } from '../src/index.js';

type Json = Record<string, unknown>;

function rnn(cls: string, name: string, extra: Json = {}): Json {
  return {
    class_name: cls,
    config: {
      name,
      units: 3,
      activation: 'tanh',
      recurrent_activation: 'sigmoid',
      use_bias: true,
      return_sequences: true,
      ...extra,
    },
  };
}

function sequential(...layers: Json[]): Json {
  return {
    class_name: 'Sequential',
    config: {
      name: 's',
      layers: [{ class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, null, 2] } }, ...layers],
    },
    keras_version: '2.15.0',
  };
}

/** Correctly shaped weights for any layer of these tests (2 input features, widths from the config). */
const weights: LayerWeights = (layer) => {
  const cfg = (layer.className === 'Bidirectional' ? (layer.config.layer as Json).config : layer.config) as Json;
  const cls = layer.className === 'Bidirectional' ? String((layer.config.layer as Json).class_name) : layer.className;
  const units = Number(cfg.units ?? 1);
  const G = cls === 'LSTM' ? gateCount('lstm') : cls === 'GRU' ? gateCount('gru') : 1;
  const input = layer.name === 'b' ? 3 : 2; // 'b' always sits on a 3-unit layer
  const one = (): Tensor[] => [
    tensor(new Float32Array(input * G * units), [input, G * units]),
    tensor(new Float32Array(units * G * units), [units, G * units]),
    tensor(new Float32Array(G * units), [G * units]),
  ];
  if (layer.className === 'Dense')
    return [tensor(new Float32Array(2 * units), [2, units]), tensor(new Float32Array(units), [units])];
  return layer.className === 'Bidirectional' ? [...one(), ...one()] : one();
};

function refused(topology: Json, pattern: RegExp): void {
  expect(() => importKerasConfig(topology, weights)).toThrow(UnsupportedError);
  expect(() => importKerasConfig(topology, weights)).toThrow(pattern);
}

const bidi = (inner: Json, extra: Json = {}): Json => ({
  class_name: 'Bidirectional',
  config: { name: 'bi', layer: inner, merge_mode: 'concat', ...extra },
});

describe('every Keras detail deeprnn cannot represent is refused with UnsupportedError naming the layer and field', () => {
  it('return_state', () =>
    refused(sequential(rnn('LSTM', 'l', { return_state: true })), /layer 'l' \(LSTM\) field 'return_state'/));
  it('stateful', () => refused(sequential(rnn('GRU', 'g', { stateful: true })), /layer 'g' \(GRU\) field 'stateful'/));
  it('time_major', () =>
    refused(sequential(rnn('GRU', 'g', { time_major: true })), /layer 'g' \(GRU\) field 'time_major'/));
  it('an activation without an ONNX equivalent', () =>
    refused(
      sequential(rnn('LSTM', 'l', { activation: 'gelu' })),
      /layer 'l' \(LSTM\) field 'activation': activation 'gelu'/,
    ));
  it('a recurrent activation without an ONNX equivalent', () =>
    refused(
      sequential(rnn('GRU', 'g', { recurrent_activation: 'swish' })),
      /layer 'g' \(GRU\) field 'recurrent_activation'/,
    ));
  it('a custom activation object', () =>
    refused(sequential(rnn('GRU', 'g', { activation: { class_name: 'MyAct', config: {} } })), /field 'activation'/));
  it('an unknown field', () =>
    refused(
      sequential(rnn('LSTM', 'l', { peephole_connections: true })),
      /layer 'l' \(LSTM\) field 'peephole_connections'/,
    ));
  it('Bidirectional merge_mode null', () =>
    refused(
      sequential(bidi(rnn('LSTM', 'l'), { merge_mode: null })),
      /layer 'bi' \(Bidirectional\) field 'merge_mode'/,
    ));
  it('Bidirectional with a backward_layer unlike the forward one', () =>
    refused(
      sequential(bidi(rnn('LSTM', 'l'), { backward_layer: rnn('LSTM', 'b', { go_backwards: true, units: 4 }) })),
      /layer 'bi' \(Bidirectional\) field 'backward_layer'/,
    ));
  it('Bidirectional around a go_backwards layer', () =>
    refused(sequential(bidi(rnn('LSTM', 'l', { go_backwards: true }))), /layer 'bi\/l' \(LSTM\) field 'go_backwards'/));
  it('Bidirectional around something else', () =>
    refused(
      sequential(bidi({ class_name: 'Conv1D', config: { name: 'c' } })),
      /layer 'bi' \(Bidirectional\) field 'layer'/,
    ));
  it('layers of different widths', () =>
    refused(sequential(rnn('LSTM', 'a'), rnn('LSTM', 'b', { units: 4 })), /layer 'b' \(LSTM\) field 'units': is 4/));
  it('layers of different cells', () =>
    refused(sequential(rnn('LSTM', 'a'), rnn('GRU', 'b')), /layer 'b' \(GRU\) field 'class_name'/));
  it('SimpleRNN layers with different activations', () =>
    refused(
      sequential(rnn('SimpleRNN', 'a'), rnn('SimpleRNN', 'b', { activation: 'relu' })),
      /layer 'b' \(SimpleRNN\) field 'activation'/,
    ));
  it('layers with and without bias', () =>
    refused(
      sequential(rnn('LSTM', 'a'), rnn('LSTM', 'b', { use_bias: false })),
      /layer 'b' \(LSTM\) field 'use_bias'/,
    ));
  it('GRU layers with different reset_after', () =>
    refused(
      sequential(rnn('GRU', 'a'), rnn('GRU', 'b', { reset_after: true })),
      /layer 'b' \(GRU\) field 'reset_after'/,
    ));
  it('bidirectional and unidirectional layers mixed', () =>
    refused(
      sequential(bidi(rnn('LSTM', 'a')), rnn('LSTM', 'b')),
      /layer 'b' \(LSTM\) field 'class_name': bidirectional and unidirectional/,
    ));
  it('return_sequences false below another layer', () =>
    refused(
      sequential(rnn('LSTM', 'a', { return_sequences: false }), rnn('LSTM', 'b')),
      /layer 'a' \(LSTM\) field 'return_sequences'/,
    ));
  it('a merge mode other than concat below another layer', () =>
    refused(
      sequential(bidi(rnn('GRU', 'a'), { merge_mode: 'sum', name: 'bi1' }), bidi(rnn('GRU', 'b'))),
      /layer 'bi1' \(Bidirectional\) field 'merge_mode'/,
    ));
  it('go_backwards above the first layer', () =>
    refused(
      sequential(rnn('GRU', 'a'), rnn('GRU', 'b', { go_backwards: true })),
      /layer 'b' \(GRU\) field 'go_backwards'/,
    ));
  it('go_backwards with masking in a stack', () =>
    refused(
      sequential(
        { class_name: 'Masking', config: { name: 'm', mask_value: 0 } },
        rnn('GRU', 'a', { go_backwards: true }),
        rnn('GRU', 'b'),
      ),
      /layer 'a' \(GRU\) field 'go_backwards': with masking/,
    ));
  it('a layer that is not part of a recurrent stack', () =>
    refused(
      sequential({ class_name: 'Conv1D', config: { name: 'conv' } }),
      /layer 'conv' \(Conv1D\) field 'class_name'/,
    ));
  it('a generic RNN layer with a custom cell', () =>
    refused(
      sequential({ class_name: 'RNN', config: { name: 'r', cell: { class_name: 'MyCell', config: {} } } }),
      /layer 'r' \(RNN\) field 'class_name'/,
    ));
  it('a Dense layer before the stack', () =>
    refused(
      sequential({ class_name: 'Dense', config: { name: 'd', units: 2 } }, rnn('LSTM', 'a')),
      /layer 'd' \(Dense\) field 'class_name'/,
    ));
  it('a Dense activation deeprnn does not run', () =>
    refused(
      sequential(rnn('LSTM', 'a'), { class_name: 'Dense', config: { name: 'd', units: 2, activation: 'gelu' } }),
      /layer 'd' \(Dense\) field 'activation'/,
    ));
  it('Masking after the stack', () =>
    refused(
      sequential(rnn('LSTM', 'a'), { class_name: 'Masking', config: { name: 'm' } }),
      /layer 'm' \(Masking\) field 'class_name'/,
    ));

  const functional = (layers: Json[], outputs: unknown[]): Json => ({
    class_name: 'Functional',
    config: { name: 'f', layers, input_layers: [['x', 0, 0]], output_layers: outputs },
  });
  const input = (name: string): Json => ({
    name,
    class_name: 'InputLayer',
    config: { name, batch_input_shape: [null, null, 2] },
    inbound_nodes: [],
  });
  const node = (layer: Json, ...from: string[]): Json => ({
    ...layer,
    name: (layer.config as Json).name,
    inbound_nodes: [from.map((f) => [f, 0, 0, {}])],
  });
  it('a model with two outputs', () =>
    refused(
      functional(
        [input('x'), node(rnn('LSTM', 'a'), 'x'), node(rnn('LSTM', 'b'), 'x')],
        [
          ['a', 0, 0],
          ['b', 0, 0],
        ],
      ),
      /field 'output_layers'/,
    ));
  it('a branching model', () =>
    refused(
      functional([input('x'), node(rnn('LSTM', 'a'), 'x'), node(rnn('LSTM', 'b'), 'x')], [['a', 0, 0]]),
      /layer 'b' \(LSTM\) is not on the path/,
    ));
  it('a shared layer', () =>
    refused(
      functional(
        [input('x'), { ...node(rnn('LSTM', 'a'), 'x'), inbound_nodes: [[['x', 0, 0, {}]], [['x', 0, 0, {}]]] }],
        [['a', 0, 0]],
      ),
      /layer 'a' \(LSTM\) field 'inbound_nodes'/,
    ));
  it('the wrong number of initial states', () =>
    refused(
      functional([input('x'), input('h'), node(rnn('LSTM', 'a'), 'x', 'h')], [['a', 0, 0]]),
      /layer 'a' \(LSTM\) field 'initial_state': 1 state inputs, a lstm layer takes 2/,
    ));
});

describe('malformed files are FormatError', () => {
  it('a weight of the wrong shape', () => {
    const bad: LayerWeights = (l) => weights(l).map((t, i) => (i === 1 ? tensor(new Float32Array(1), [1, 1]) : t));
    expect(() => importKerasConfig(sequential(rnn('LSTM', 'a')), bad)).toThrow(FormatError);
    expect(() => importKerasConfig(sequential(rnn('LSTM', 'a')), bad)).toThrow(
      /recurrent_kernel has shape \[1, 1\], expected \[3, 12\]/,
    );
  });
  it('a model class that is not a model', () =>
    expect(() => importKerasConfig({ class_name: 'Dense', config: {} }, weights)).toThrow(FormatError));
  it('a model without a recurrent layer', () =>
    expect(() => importKerasConfig(sequential(), weights)).toThrow(/no SimpleRNN, GRU or LSTM layer/));
});
