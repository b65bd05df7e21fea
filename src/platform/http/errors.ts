/** Raised for a record that does not exist and for one the actor may not see: the two must look alike. */
export class NotFoundError extends Error {
  readonly statusCode = 404;
  constructor(message = 'Not found') {
    super(message);
  }
}

export interface FieldError {
  field: string;
  message: string;
}

/** Bad input, with a message a person understands for each field. */
export class ValidationError extends Error {
  readonly statusCode = 400;
  constructor(
    readonly fieldErrors: FieldError[],
    message = 'The request has errors',
  ) {
    super(message);
  }
}

/** The input is well formed but clashes with what is recorded (a duplicate email, a second open episode). */
export class ConflictError extends Error {
  readonly statusCode = 409;
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The request lacks valid credentials (API) or needs a signed-in user (pages). */
export class UnauthenticatedError extends Error {
  readonly statusCode = 401;
}
