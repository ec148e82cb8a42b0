import { IsString, MaxLength, MinLength } from 'class-validator';

/** `POST /console/api/session`: an operator signs in to the ops console. */
export class ConsoleSignInBody {
  @MinLength(1)
  @MaxLength(64)
  @IsString()
  username!: string;

  @MinLength(1)
  @MaxLength(200)
  @IsString()
  password!: string;
}
