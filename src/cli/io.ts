// What a command is given to talk through: stdout for the protocol or the command's answer, stderr for
// people, and the environment. Tests pass their own.
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
};
