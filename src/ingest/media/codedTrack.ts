/**
 * A demuxed video track as WebCodecs' VideoDecoder takes it, whatever the container: the
 * decoder configuration, the coded frames' timing and keyframe flags in decode order, and a
 * reader for one coded frame's bytes. mp4Demux (mp4box) and webmDemux (mediabunny) give one;
 * webcodecs.ts decodes it and selects frames the same way for both.
 */
export interface CodedSample {
  /** Presentation time and duration, in `timescale` units. */
  cts: number;
  duration: number;
  isSync: boolean;
}

export interface CodedTrack {
  config: VideoDecoderConfig;
  timescale: number;
  /** In decode (file) order. */
  samples: CodedSample[];
  /** The bytes of samples[d]; called in ascending d, with jumps forward to keyframes. */
  read: (d: number) => Promise<Uint8Array>;
  /** Frees what the demuxer holds (a file reader); the track is not read after it. */
  close: () => void;
}
