/**
 * `window.__ferFace`: drives src/automation/face/worker.ts from e2e tests and benchmarks
 * (page.evaluate), the same worker the preprocessing uses. Test-only; keep it thin.
 */
import type {
  FaceModelsConfig,
  FaceResult,
  FaceTimings,
  FaceWorkerRequest,
  FaceWorkerResponse,
} from '../preprocess/faceModels';

export interface FaceDetectOptions {
  /** Resize the image to this width (keeping its aspect) before detection. */
  width?: number;
  /** Run this many times (timings of each run are returned; results are from the last). */
  repeat?: number;
}

export interface FaceDebugResult {
  width: number;
  height: number;
  faces: FaceResult[];
  /** Faces FaceLandmarker found on its own (see FaceWorkerResponse). */
  landmarkerFaces: number;
  /** Timings of every run, in order. */
  runs: FaceTimings[];
}

export interface FaceDebugApi {
  /** (Re)starts the worker with `config` and waits until both models are loaded. */
  load(config?: Partial<FaceModelsConfig>): Promise<{ loadMs: number; config: FaceModelsConfig }>;
  detect(imageUrl: string, options?: FaceDetectOptions): Promise<FaceDebugResult>;
}

declare global {
  interface Window {
    /** Installed by installFaceModelsDebugHook (src/automation/face.ts). */
    __ferFace?: FaceDebugApi;
  }
}

type Faces = Extract<FaceWorkerResponse, { type: 'faces' }>;
type Ready = Extract<FaceWorkerResponse, { type: 'ready' }>;

class FaceWorkerClient {
  private readonly worker = new Worker(new URL('./face/worker.ts', import.meta.url), {
    type: 'module',
    name: 'faceDetect',
  });
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (r: Faces) => void; reject: (e: Error) => void }
  >();
  private readonly ready: Promise<Ready>;

  constructor(config?: Partial<FaceModelsConfig>) {
    this.ready = new Promise<Ready>((resolve, reject) => {
      this.worker.onmessage = (event: MessageEvent<FaceWorkerResponse>) => {
        const msg = event.data;
        if (msg.type === 'ready') resolve(msg);
        else if (msg.type === 'faces') this.settle(msg.id)?.resolve(msg);
        else if (msg.id === null) reject(new Error(msg.message));
        else this.settle(msg.id)?.reject(new Error(msg.message));
      };
      this.worker.onerror = (e) => {
        reject(new Error(e.message));
      };
    });
    this.send({ type: 'load', ...(config ? { config } : {}) });
  }

  private settle(id: number) {
    const p = this.pending.get(id);
    this.pending.delete(id);
    return p;
  }

  private send(msg: FaceWorkerRequest, transfer: Transferable[] = []): void {
    this.worker.postMessage(msg, transfer);
  }

  whenReady(): Promise<Ready> {
    return this.ready;
  }

  detect(bitmap: ImageBitmap): Promise<Faces> {
    const id = this.nextId++;
    return new Promise<Faces>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send({ type: 'detect', id, bitmap }, [bitmap]);
    });
  }

  terminate(): void {
    this.worker.terminate();
    for (const p of this.pending.values()) p.reject(new Error('worker terminated'));
    this.pending.clear();
  }
}

async function decode(url: string, width?: number): Promise<ImageBitmap> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const blob = await response.blob();
  if (width === undefined) return createImageBitmap(blob);
  const full = await createImageBitmap(blob);
  const height = Math.round((full.height * width) / full.width);
  full.close();
  return createImageBitmap(blob, {
    resizeWidth: width,
    resizeHeight: height,
    resizeQuality: 'high',
  });
}

export function installFaceModelsDebugHook(): void {
  let client: FaceWorkerClient | null = null;
  const api: FaceDebugApi = {
    async load(config) {
      client?.terminate();
      client = new FaceWorkerClient(config);
      const ready = await client.whenReady();
      return { loadMs: ready.loadMs, config: ready.config };
    },
    async detect(imageUrl, options = {}) {
      client ??= new FaceWorkerClient();
      await client.whenReady();
      const runs: FaceTimings[] = [];
      let last: Faces | null = null;
      for (let i = 0; i < (options.repeat ?? 1); i++) {
        last = await client.detect(await decode(imageUrl, options.width));
        runs.push(last.timings);
      }
      if (!last) throw new Error('repeat must be at least 1');
      return {
        width: last.width,
        height: last.height,
        faces: last.faces,
        landmarkerFaces: last.landmarkerFaces,
        runs,
      };
    },
  };
  window.__ferFace = api;
}
