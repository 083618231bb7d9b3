import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { ConstructPropsError } from '../errors.js';

/**
 * The image to run: the given one, or an ARM64 image asset built from a Dockerfile directory.
 * At synth the directory is only staged into the cloud assembly; Docker runs at deploy time.
 */
export function resolveImage(
  owner: string,
  image: ecs.ContainerImage | undefined,
  dockerfileDirectory: string | undefined,
): ecs.ContainerImage {
  if (image && dockerfileDirectory) {
    throw new ConstructPropsError(owner, 'give image or dockerfileDirectory, not both');
  }
  if (image) return image;
  if (dockerfileDirectory) {
    return ecs.ContainerImage.fromAsset(dockerfileDirectory, { platform: Platform.LINUX_ARM64 });
  }
  throw new ConstructPropsError(
    owner,
    'give image or dockerfileDirectory (a directory with a Dockerfile)',
  );
}
