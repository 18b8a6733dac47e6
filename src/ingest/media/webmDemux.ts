/**
 * WebM / Matroska demuxing for WebCodecs through mediabunny (a maintained demuxer; no
 * hand-written EBML parser): the first video track's decoder configuration (VP8, VP9, AV1...)
 * and its coded frames' timing and keyframe flags, read once as metadata only (cluster
 * headers and block headers, not frame data); frame bytes are read later, one packet at a
 * time, only for the groups of pictures that hold a sampled frame.
 *
 * Loaded lazily (webcodecs.ts is a dynamic import, used in workers only), so mediabunny is
 * not in the app's entry chunk. Anything unreadable or unsupported is a WebCodecsUnsupported
 * with the reason, on which the caller falls back to ffmpeg.wasm.
 */
import {
  BlobSource,
  EncodedPacketSink,
  Input,
  MATROSKA,
  WEBM,
  type EncodedPacket,
  type InputVideoTrack,
} from 'mediabunny';
import type { CodedSample, CodedTrack } from './codedTrack';
import { WebCodecsUnsupported } from './mp4Demux';

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Runs a demuxer step; its failure becomes a WebCodecsUnsupported naming the step. */
async function step<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof WebCodecsUnsupported) throw e;
    throw new WebCodecsUnsupported(`WebM ${what}: ${message(e)}`);
  }
}

export async function demuxWebm(file: Blob): Promise<CodedTrack> {
  const input = new Input({ source: new BlobSource(file), formats: [WEBM, MATROSKA] });
  try {
    const track: InputVideoTrack | null = await step('header', () => input.getPrimaryVideoTrack());
    if (!track) throw new WebCodecsUnsupported('WebM has no video track');
    const config = await step('codec', () => track.getDecoderConfig());
    if (!config) throw new WebCodecsUnsupported('WebM video codec unknown to the demuxer');
    if ((await track.getRotation()) !== 0 || (await track.getFlip())) {
      throw new WebCodecsUnsupported('rotated or mirrored video track');
    }
    const timescale = await track.getTimeResolution();
    const sink = new EncodedPacketSink(track);
    // Metadata of every packet, decode order (block headers only; no frame bytes read).
    const meta: EncodedPacket[] = await step('blocks', async () => {
      const all: EncodedPacket[] = [];
      for await (const p of sink.packets(undefined, undefined, { metadataOnly: true })) {
        all.push(p);
      }
      return all;
    });
    if (meta.length === 0) throw new WebCodecsUnsupported('WebM video track has no frames');
    if (meta[0]?.type !== 'key') throw new WebCodecsUnsupported('first frame is not a keyframe');
    // Damaged cluster data reads as a file that ends early: hand it to ffmpeg.wasm, which
    // decodes what it can or reports the damage, rather than give a short clip.
    const blocksEnd = Math.max(...meta.map((p) => p.timestamp + p.duration));
    const header = await input.getDurationFromMetadata().catch(() => null);
    if (header !== null && blocksEnd < header * 0.9 - 0.1) {
      throw new WebCodecsUnsupported(
        `WebM frames end at ${blocksEnd.toFixed(2)} s of the ${header.toFixed(2)} s its header says (damaged?)`,
      );
    }
    // Times in the track's own units (integers: milliseconds for most WebM).
    const samples: CodedSample[] = meta.map((p) => ({
      cts: Math.round(p.timestamp * timescale),
      duration: Math.round(p.duration * timescale),
      isSync: p.type === 'key',
    }));

    let last: { d: number; packet: EncodedPacket } | null = null;
    const read = async (d: number): Promise<Uint8Array> => {
      const prev = last?.d === d - 1 ? last.packet : d > 0 ? meta[d - 1] : undefined;
      const packet = await step('frame data', () =>
        prev ? sink.getNextPacket(prev) : sink.getFirstPacket(),
      );
      if (!packet || packet.isMetadataOnly) {
        throw new Error(`WebM coded frame ${d} could not be read`);
      }
      last = { d, packet };
      return packet.data;
    };
    return { config, timescale, samples, read, close: () => input.dispose() };
  } catch (e) {
    input.dispose();
    throw e;
  }
}
