// The transformer's own layers. TensorFlow.js has no MultiHeadAttention layer, so CausalSelfAttention is
// written here from matmuls and a softmax, with a causal mask (position t attends to positions <= t only,
// the same causality the features keep). PositionEmbedding adds a learned vector per window position.
// Both are registered with tfjs serialization, so a saved transformer loads back with identical predictions.
import type { Tf } from './tf.js';
import type * as tfTypes from '@tensorflow/tfjs';

type Tensor = tfTypes.Tensor;
type Shape = tfTypes.Shape;

let registered = false;

/** Defines and registers the custom layers on this tfjs instance (once). */
export function registerCustomLayers(tf: Tf): void {
  if (registered) return;
  registered = true;

  interface AttentionConfig {
    numHeads: number;
    keyDim: number;
    seed?: number;
    name?: string;
  }

  class CausalSelfAttention extends tf.layers.Layer {
    static className = 'CausalSelfAttention';
    private readonly numHeads: number;
    private readonly keyDim: number;
    private readonly seed: number | undefined;
    private wq!: tfTypes.LayerVariable;
    private wk!: tfTypes.LayerVariable;
    private wv!: tfTypes.LayerVariable;
    private wo!: tfTypes.LayerVariable;

    constructor(config: AttentionConfig) {
      super({ name: config.name });
      this.numHeads = config.numHeads;
      this.keyDim = config.keyDim;
      this.seed = config.seed;
    }

    override build(inputShape: Shape | Shape[]): void {
      const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
      const d = shape[shape.length - 1]!;
      const hk = this.numHeads * this.keyDim;
      const init = (k: number) => tf.initializers.glorotUniform({ seed: this.seed === undefined ? undefined : this.seed + k });
      this.wq = this.addWeight('wq', [d, hk], 'float32', init(1));
      this.wk = this.addWeight('wk', [d, hk], 'float32', init(2));
      this.wv = this.addWeight('wv', [d, hk], 'float32', init(3));
      this.wo = this.addWeight('wo', [hk, d], 'float32', init(4));
      this.built = true;
    }

    override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
      return inputShape;
    }

    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tfTypes.Tensor3D;
        const [b, t, d] = x.shape;
        const h = this.numHeads;
        const k = this.keyDim;
        const flat = x.reshape([b * t, d]);
        const heads = (w: tfTypes.LayerVariable): tfTypes.Tensor4D =>
          tf.matMul(flat, w.read() as tfTypes.Tensor2D).reshape([b, t, h, k]).transpose([0, 2, 1, 3]) as tfTypes.Tensor4D;
        const q = heads(this.wq);
        const kk = heads(this.wk);
        const v = heads(this.wv);
        const scores = tf.matMul(q, kk, false, true).div(Math.sqrt(k));
        // Upper triangle (future positions) gets -1e9 before the softmax: weight 0.
        const mask = tf.linalg.bandPart(tf.ones([t, t]), -1, 0);
        const masked = scores.add(tf.sub(1, mask).mul(-1e9));
        const attn = tf.softmax(masked, -1);
        const out = tf.matMul(attn, v).transpose([0, 2, 1, 3]).reshape([b * t, h * k]);
        return tf.matMul(out, this.wo.read() as tfTypes.Tensor2D).reshape([b, t, d]);
      });
    }

    override getConfig(): tfTypes.serialization.ConfigDict {
      return { ...super.getConfig(), numHeads: this.numHeads, keyDim: this.keyDim, ...(this.seed === undefined ? {} : { seed: this.seed }) };
    }
  }

  class PositionEmbedding extends tf.layers.Layer {
    static className = 'PositionEmbedding';
    private readonly seed: number | undefined;
    private pos!: tfTypes.LayerVariable;

    constructor(config: { seed?: number; name?: string }) {
      super({ name: config.name });
      this.seed = config.seed;
    }

    override build(inputShape: Shape | Shape[]): void {
      const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
      this.pos = this.addWeight('pos', [shape[1]!, shape[2]!], 'float32', tf.initializers.randomNormal({ stddev: 0.02, seed: this.seed }));
      this.built = true;
    }

    override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
      return inputShape;
    }

    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => (Array.isArray(inputs) ? inputs[0]! : inputs).add(this.pos.read()));
    }

    override getConfig(): tfTypes.serialization.ConfigDict {
      return { ...super.getConfig(), ...(this.seed === undefined ? {} : { seed: this.seed }) };
    }
  }

  /** [batch, time, d] → [batch, d]: the last position, which (with the causal mask) has seen the whole window. */
  class LastTimestep extends tf.layers.Layer {
    static className = 'LastTimestep';

    override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
      const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
      return [shape[0]!, shape[2]!];
    }

    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tfTypes.Tensor3D;
        const [b, t, d] = x.shape;
        return x.slice([0, t - 1, 0], [b, 1, d]).reshape([b, d]);
      });
    }
  }

  tf.serialization.registerClass(CausalSelfAttention);
  tf.serialization.registerClass(PositionEmbedding);
  tf.serialization.registerClass(LastTimestep);
  layers = {
    last: (c: { name?: string }) => new LastTimestep(c),
    attention: (c: AttentionConfig) => new CausalSelfAttention(c),
    position: (c: { seed?: number; name?: string }) => new PositionEmbedding(c),
  };
}

let layers: {
  last(c: { name?: string }): tfTypes.layers.Layer;
  attention(c: { numHeads: number; keyDim: number; seed?: number; name?: string }): tfTypes.layers.Layer;
  position(c: { seed?: number; name?: string }): tfTypes.layers.Layer;
} | null = null;

export function customLayers(tf: Tf): NonNullable<typeof layers> {
  registerCustomLayers(tf);
  return layers!;
}
