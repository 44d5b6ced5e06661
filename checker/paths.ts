// Where the workbook lives, whatever the current directory is.
import { fileURLToPath } from "node:url";

export const WORKBOOK_ROOT = fileURLToPath(new URL("..", import.meta.url)).replace(/[\\/]$/, "");
