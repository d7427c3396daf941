// A TensorFlow.js IO handler over plain files (no tfjs-node): model.json (topology + weights manifest) and
// weights.bin beside it. Saving writes into the folder given; the registry gives a temporary folder and
// renames it into place only when everything is written, so an interrupted save leaves nothing half-written.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../core/errors.js';
import type * as tfTypes from '@tensorflow/tfjs';

type IOHandler = tfTypes.io.IOHandler;
type ModelArtifacts = tfTypes.io.ModelArtifacts;
type SaveResult = tfTypes.io.SaveResult;

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

export function fileHandler(dir: string): IOHandler {
  return {
    async save(artifacts: ModelArtifacts): Promise<SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) throw new Error('binary model topologies are not supported');
      const weightData = artifacts.weightData;
      const buffers = weightData === undefined ? [] : Array.isArray(weightData) ? weightData : [weightData];
      const bytes = Buffer.concat(buffers.map((b) => Buffer.from(b)));
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs ?? [] }],
      };
      writeFileSync(join(dir, WEIGHTS_FILE), bytes);
      writeFileSync(join(dir, MODEL_FILE), JSON.stringify(modelJson));
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: JSON.stringify(artifacts.modelTopology).length,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
          weightDataBytes: bytes.length,
        },
      };
    },

    async load(): Promise<ModelArtifacts> {
      const modelFile = join(dir, MODEL_FILE);
      if (!existsSync(modelFile)) throw new UserError(`model file missing`, modelFile);
      let json: { modelTopology?: unknown; format?: string; generatedBy?: string; convertedBy?: string; weightsManifest?: { paths: string[]; weights: tfTypes.io.WeightsManifestEntry[] }[] };
      try {
        json = JSON.parse(readFileSync(modelFile, 'utf8'));
      } catch (err) {
        throw new UserError(`not a valid model.json: ${(err as Error).message}`, modelFile);
      }
      if (!json.modelTopology || !Array.isArray(json.weightsManifest)) throw new UserError('model.json lacks modelTopology or weightsManifest', modelFile);
      const weightSpecs: tfTypes.io.WeightsManifestEntry[] = [];
      const parts: Buffer[] = [];
      for (const group of json.weightsManifest) {
        weightSpecs.push(...group.weights);
        for (const p of group.paths) {
          const file = join(dir, p);
          if (!existsSync(file)) throw new UserError('weights file missing', file);
          parts.push(readFileSync(file));
        }
      }
      const all = Buffer.concat(parts);
      const expected = weightSpecs.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1) * 4, 0);
      if (all.length !== expected) throw new UserError(`weights are ${all.length} bytes, the manifest needs ${expected}`, join(dir, WEIGHTS_FILE));
      return {
        modelTopology: json.modelTopology as object,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        weightSpecs,
        weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
      };
    },
  };
}
