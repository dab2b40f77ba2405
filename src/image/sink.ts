/** The chunked file writer lives in base (records streaming uses it too); image code keeps its import path. */
export { FileSink, type Progress } from '../base/sink.ts';
