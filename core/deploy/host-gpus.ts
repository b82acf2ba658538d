import { containerRunning } from './containers.js';
import { GpuReservations } from './gpu-reservations.js';
import { nvidiaGpus } from './nvidia-smi.js';

/** This host's GPUs as nvidia-smi sees them, reserved by containers while they run. */
export function hostGpuReservations(stateRoot: string): GpuReservations {
  return new GpuReservations(stateRoot, nvidiaGpus, containerRunning);
}
